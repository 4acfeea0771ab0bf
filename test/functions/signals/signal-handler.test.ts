import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PurgeQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSignalHandler } from '../../../functions/signals/signal-handler.ts';
import type { LambdaContext, SqsEventRecord } from '../../../functions/signals/sqs-event.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { startLocalSignalFunction } from '../../../local/local-signal-function.ts';
import { type LocalQueue, type LocalSqs, startLocalSqs } from '../../../local/local-sqs.ts';
import { eventRecord } from '../../../local/sqs-event-source.ts';
import { createSqsClient } from '../../../shared/queues/sqs-client.ts';
import { parseSignalMessage, type Signal } from '../../../shared/signals/signal-message.ts';
import { createDynamoClient } from '../../../shared/store/dynamo-client.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import {
  alternatingSignalGenerator,
  expectedDirection,
} from '../../support/signals/alternating-signal-generator.ts';
import { drain, eventually, MINUTE_US, send, windowBody } from '../../support/signals/signal-queues.ts';

const context: LambdaContext = {
  awsRequestId: 'req-1',
  functionName: 'signals',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:signals',
  memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/signals',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
};

function signalsIn(bodies: string[]): Signal[] {
  return bodies.map((body) => {
    const parsed = parseSignalMessage(body);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
  });
}

describe('Function: createSignalHandler (middy, Powertools batch and idempotency; fauxqs and dynalite over loopback)', () => {
  let dynamo: LocalDynamo;
  let sqs: LocalSqs;
  let client: SQSClient;
  let bars: LocalQueue;
  let signals: LocalQueue;
  const clock = new ManualClock(1_800_000_000_000);

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'signal-handler-test' });
    sqs = await startLocalSqs({
      queues: [
        { name: 'bars', visibilityTimeoutSeconds: 1, maxReceiveCount: 2 },
        { name: 'signals', visibilityTimeoutSeconds: 30, maxReceiveCount: 5 },
      ],
    });
    client = createSqsClient({ region: sqs.region, endpoint: sqs.endpoint, requestTimeoutMs: 5_000 });
    bars = sqs.queues.get('bars')!;
    signals = sqs.queues.get('signals')!;
  });

  afterAll(async () => {
    client.destroy();
    await sqs.close();
    await dynamo.close();
  });

  beforeEach(async () => {
    // Each test starts from empty queues: purging also drops what an earlier test left in flight.
    for (const url of [bars.url, bars.deadLetter.url, signals.url])
      await client.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  function handlerWith(generators: ReturnType<typeof alternatingSignalGenerator>[]) {
    const dynamoClient = createDynamoClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    return createSignalHandler({
      generators,
      sqs: client,
      signalsQueueUrl: signals.url,
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: dynamo.tables.idempotency,
        awsSdkV3Client: dynamoClient,
      }),
      idempotencyTtlSeconds: 3_600,
      clock,
      logger: new Logger({ serviceName: 'signals-test', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Test', serviceName: 'signals-test' }),
    });
  }

  /** Real records: sent to the bars queue and received from it with every attribute. */
  async function receiveRecords(count: number): Promise<SqsEventRecord[]> {
    const records: SqsEventRecord[] = [];
    while (records.length < count) {
      const answer = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: bars.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      for (const message of answer.Messages ?? []) records.push(eventRecord(message, bars.arn, sqs.region));
    }
    return records;
  }

  it('fails only the malformed record of a batch and publishes the signals of the others', async () => {
    const generator = alternatingSignalGenerator({ strategyId: 'follower', symbols: ['AAPL', 'MSFT'] });
    const handler = handlerWith([generator]);
    const good = [
      await send(client, bars.url, windowBody('AAPL', 100)),
      await send(client, bars.url, windowBody('MSFT', 101)),
    ];
    const bad = await send(
      client,
      bars.url,
      JSON.stringify({ version: 1, symbol: 'AAPL', publishedAtMs: 1, bars: [] }),
    );
    const records = await receiveRecords(3);
    expect(
      records.map((r) => [r.eventSource, r.attributes.ApproximateReceiveCount, r.md5OfBody.length]),
    ).toStrictEqual(records.map(() => ['aws:sqs', '1', 32]));

    const response = await handler({ Records: records }, context);

    expect(response).toStrictEqual({ batchItemFailures: [{ itemIdentifier: bad }] });
    expect(good).not.toContain(bad);
    const published = signalsIn(await drain(client, signals.url, 1));
    expect(published.map((s) => [s.signalId, s.direction]).sort()).toStrictEqual([
      [`follower:AAPL:${100 * MINUTE_US}`, expectedDirection(100 * MINUTE_US)],
      [`follower:MSFT:${101 * MINUTE_US}`, expectedDirection(101 * MINUTE_US)],
    ]);
  });

  it('fails only the record whose generator throws', async () => {
    const generator = alternatingSignalGenerator({
      strategyId: 'follower',
      symbols: ['AAPL', 'TSLA'],
      failOn: ['TSLA'],
    });
    const handler = handlerWith([generator]);
    await send(client, bars.url, windowBody('AAPL', 200));
    const broken = await send(client, bars.url, windowBody('TSLA', 200));

    const response = await handler({ Records: await receiveRecords(2) }, context);

    expect(response).toStrictEqual({ batchItemFailures: [{ itemIdentifier: broken }] });
    expect(signalsIn(await drain(client, signals.url, 1)).map((s) => s.signalId)).toStrictEqual([
      `follower:AAPL:${200 * MINUTE_US}`,
    ]);
  });

  it('publishes no second signal when SQS redelivers a handled message (idempotency in DynamoDB)', async () => {
    const generator = alternatingSignalGenerator({ strategyId: 'follower', symbols: ['AAPL'] });
    const handler = handlerWith([generator]);
    const messageId = await send(client, bars.url, windowBody('AAPL', 300));
    const [first] = await receiveRecords(1);
    expect(await handler({ Records: [first!] }, context)).toStrictEqual({ batchItemFailures: [] });

    // Not deleted (as after a lost delete or a timed-out invocation): SQS hands it out again.
    const [again] = await receiveRecords(1);
    expect([again!.messageId, again!.attributes.ApproximateReceiveCount]).toStrictEqual([messageId, '2']);
    expect(await handler({ Records: [again!] }, context)).toStrictEqual({ batchItemFailures: [] });
    // A fresh handler (a new Lambda instance, nothing cached in memory) also publishes nothing.
    expect(await handlerWith([generator])({ Records: [again!] }, context)).toStrictEqual({
      batchItemFailures: [],
    });

    expect(generator.calls).toStrictEqual([{ symbol: 'AAPL', bars: 3 }]);
    expect(signalsIn(await drain(client, signals.url, 1)).map((s) => s.signalId)).toStrictEqual([
      `follower:AAPL:${300 * MINUTE_US}`,
    ]);
  });

  it('hands each generator only the bars it asked for', async () => {
    const short = alternatingSignalGenerator({ strategyId: 'short', symbols: ['AAPL'], windowBars: 2 });
    const long = alternatingSignalGenerator({ strategyId: 'long', symbols: ['AAPL'], windowBars: 50 });
    await send(client, bars.url, windowBody('AAPL', 400, 5));

    await handlerWith([short, long])({ Records: await receiveRecords(1) }, context);

    expect([short.calls, long.calls]).toStrictEqual([
      [{ symbol: 'AAPL', bars: 2 }],
      [{ symbol: 'AAPL', bars: 5 }],
    ]);
    expect(
      signalsIn(await drain(client, signals.url, 1))
        .map((s) => s.strategyId)
        .sort(),
    ).toStrictEqual(['long', 'short']);
  });

  it('behind the local event source: a poison message reaches the dead-letter queue after maxReceiveCount, a good one is deleted', async () => {
    const generator = alternatingSignalGenerator({ strategyId: 'follower', symbols: ['AAPL'] });
    const fn = startLocalSignalFunction({
      sqsEndpoint: sqs.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      region: sqs.region,
      barsQueue: bars,
      signalsQueue: signals,
      idempotencyTable: dynamo.tables.idempotency,
      idempotencyTtlSeconds: 3_600,
      generators: [generator],
      eventSource: { batchSize: 10, batchWindowMs: 0, waitTimeSeconds: 1, concurrency: 1, timeoutMs: 30_000 },
      clock,
      logger: pino({ level: 'silent' }),
      handlerLogLevel: 'SILENT',
    });
    try {
      await send(client, bars.url, 'not json at all');
      await send(client, bars.url, windowBody('AAPL', 500));

      const dead = await eventually(
        () => drain(client, bars.deadLetter.url),
        (bodies) => bodies.length > 0,
      );
      expect(dead).toStrictEqual(['not json at all']);
      // Two receives (maxReceiveCount 2), each a failed invocation record; the good one was handled once.
      expect(generator.calls).toStrictEqual([{ symbol: 'AAPL', bars: 3 }]);
      expect(fn.eventSource.invocations).toBeGreaterThanOrEqual(2);
    } finally {
      await fn.close();
    }
    expect(await drain(client, bars.url)).toStrictEqual([]);
    expect(signalsIn(await drain(client, signals.url, 1)).map((s) => s.signalId)).toStrictEqual([
      `follower:AAPL:${500 * MINUTE_US}`,
    ]);
  });
});
