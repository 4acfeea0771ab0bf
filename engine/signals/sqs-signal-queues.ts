/**
 * The signal path's two queues over SQS: the bars queue as the publisher's sender, the signals
 * queue as the consumer's source. Queues are configured by name; each URL is looked up once, on
 * first use, and looked up again after a failure (the queue may not have existed yet).
 */
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type BatchFailure, sendMessageBatch } from '../../shared/queues/send-message-batch.ts';
import type { BarQueueSender } from './bar-window-publisher.ts';
import type { ReceivedMessage, SignalQueue } from './signal-consumer.ts';

function queueUrlOf(client: SQSClient, name: string): () => Promise<string> {
  let url: Promise<string> | undefined;
  return () => {
    url ??= client.send(new GetQueueUrlCommand({ QueueName: name })).then(
      (answer) => answer.QueueUrl!,
      (error: unknown) => {
        url = undefined;
        throw error;
      },
    );
    return url;
  };
}

export function sqsBarQueueSender(client: SQSClient, queueName: string): BarQueueSender {
  const queueUrl = queueUrlOf(client, queueName);
  return async (bodies) => {
    let url: string;
    try {
      url = await queueUrl();
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return bodies.map((_, index): BatchFailure => ({ index, reason }));
    }
    return sendMessageBatch(client, url, bodies);
  };
}

export function sqsSignalQueue(
  client: SQSClient,
  queueName: string,
  poll: { readonly waitTimeSeconds: number; readonly maxMessages: number },
): SignalQueue {
  const queueUrl = queueUrlOf(client, queueName);
  return {
    async receive(abortSignal): Promise<ReceivedMessage[]> {
      const answer = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: await queueUrl(),
          WaitTimeSeconds: poll.waitTimeSeconds,
          MaxNumberOfMessages: poll.maxMessages,
        }),
        { abortSignal },
      );
      return (answer.Messages ?? []).map((message) => ({
        messageId: message.MessageId!,
        receiptHandle: message.ReceiptHandle!,
        body: message.Body ?? '',
      }));
    },
    async delete(receiptHandles): Promise<void> {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: await queueUrl(),
          Entries: receiptHandles.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle })),
        }),
      );
    },
  };
}
