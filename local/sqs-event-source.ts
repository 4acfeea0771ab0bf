/**
 * A local stand-in for Lambda's SQS event source mapping: long-polls a queue, gathers up to
 * `batchSize` messages or until `batchWindowMs` has passed, hands them to the handler as Lambda's
 * SQS event, deletes the records the handler did not report in batchItemFailures, and leaves the
 * failed ones (all of them when the handler throws) to reappear after the visibility timeout, so
 * the queue's own receive count and redrive policy move a poison message to its dead-letter queue.
 *
 * One receive is out at a time, and up to `concurrency` invocations run beside it. A poller per
 * invocation slot, each long-polling, would behave the same against SQS, which answers one waiting
 * receive per message; fauxqs answers every waiting receive when a message arrives, and all but
 * one come back empty and are sent again, at the moment the handler starts work on that message.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type {
  LambdaContext,
  SqsBatchResponse,
  SqsEvent,
  SqsEventRecord,
  SqsMessageAttribute,
} from '../functions/signals/sqs-event.ts';
import { SQS_MAX_BATCH } from '../shared/queues/send-message-batch.ts';

export type SqsHandler = (event: SqsEvent, context: LambdaContext) => Promise<SqsBatchResponse>;

export interface SqsEventSourceOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly functionName: string;
  readonly handler: SqsHandler;
  /** Records per invocation, at most 10 per receive as in SQS (Lambda allows more with a window). */
  readonly batchSize: number;
  /** How long to keep gathering a batch after the first message; 0 invokes with what one receive gave. */
  readonly batchWindowMs: number;
  /** Long-poll wait of each receive. */
  readonly waitTimeSeconds: number;
  /** Invocations running at once (the mapping's maximum concurrency). */
  readonly concurrency: number;
  /** The function's timeout, as its context reports the remaining time. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export interface SqsEventSource {
  readonly invocations: number;
  close(): Promise<void>;
}

function attribute(value: MessageAttributeValue): SqsMessageAttribute {
  return {
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined
      ? {}
      : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
    dataType: value.DataType ?? 'String',
  };
}

/** One received message as the record Lambda would hand the function. */
export function eventRecord(message: Message, queueArn: string, region: string): SqsEventRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '0',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '0',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, attribute(value)]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const { client, queueUrl, logger } = options;
  const abort = new AbortController();
  let invocations = 0;
  /** Deletes under way: a poller receives again without waiting for them, close does. */
  const deletes = new Set<Promise<void>>();

  const receive = async (max: number, waitTimeSeconds: number): Promise<Message[]> => {
    const answer = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(max, SQS_MAX_BATCH),
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    return answer.Messages ?? [];
  };

  const gather = async (): Promise<Message[]> => {
    const batch = await receive(options.batchSize, options.waitTimeSeconds);
    if (batch.length === 0 || options.batchWindowMs === 0) return batch;
    const closesAt = Date.now() + options.batchWindowMs;
    while (batch.length < options.batchSize && Date.now() < closesAt && !abort.signal.aborted) {
      const more = await receive(options.batchSize - batch.length, 0);
      if (more.length === 0)
        await new Promise((resolve) => setTimeout(resolve, Math.min(5, closesAt - Date.now())));
      batch.push(...more);
    }
    return batch;
  };

  const invoke = async (messages: Message[]): Promise<void> => {
    const records = messages.map((message) => eventRecord(message, options.queueArn, options.region));
    const startedAt = Date.now();
    const context: LambdaContext = {
      awsRequestId: randomUUID(),
      functionName: options.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${options.region}:000000000000:function:${options.functionName}`,
      memoryLimitInMB: '512',
      logGroupName: `/aws/lambda/${options.functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, options.timeoutMs - (Date.now() - startedAt)),
    };
    invocations++;
    let failed: Set<string>;
    try {
      const response = await options.handler({ Records: records }, context);
      failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      logger.warn({ err: error, records: records.length }, 'signal function failed the whole batch');
      failed = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    const deleting = client
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      )
      .then(
        () => undefined,
        // Not deleted: the records come back after the visibility timeout, and idempotency makes
        // their second handling publish nothing.
        (error: unknown) => logger.warn({ err: error, queueUrl }, 'local event source: delete failed'),
      )
      .finally(() => deletes.delete(deleting));
    deletes.add(deleting);
  };

  /** Invocations under way: at most `concurrency`; the next receive waits for a free one. */
  const running = new Set<Promise<void>>();

  const poll = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      if (running.size >= options.concurrency) {
        await Promise.race(running);
        continue;
      }
      try {
        const messages = await gather();
        if (messages.length === 0) continue;
        const invocation: Promise<void> = invoke(messages)
          .catch((error: unknown) =>
            logger.warn({ err: error, queueUrl }, 'local event source: invocation failed; SQS redelivers it'),
          )
          .finally(() => running.delete(invocation));
        running.add(invocation);
      } catch (error) {
        if (abort.signal.aborted) return;
        logger.warn({ err: error, queueUrl }, 'local event source: receive failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };

  const poller = poll();
  return {
    get invocations() {
      return invocations;
    },
    async close() {
      abort.abort();
      await poller;
      await Promise.all(running);
      await Promise.all(deletes);
    },
  };
}
