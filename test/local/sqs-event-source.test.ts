import type { SQSClient } from '@aws-sdk/client-sqs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqsEvent } from '../../functions/signals/sqs-event.ts';
import { type LocalSqs, startLocalSqs } from '../../local/local-sqs.ts';
import { startSqsEventSource } from '../../local/sqs-event-source.ts';
import { createSqsClient } from '../../shared/queues/sqs-client.ts';
import { eventually, queueDepth, send } from '../support/signals/signal-queues.ts';

describe('Function: startSqsEventSource (the local stand-in for Lambda’s SQS event source; fauxqs)', () => {
  let sqs: LocalSqs;
  let client: SQSClient;

  beforeAll(async () => {
    sqs = await startLocalSqs({
      queues: [{ name: 'work', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }],
    });
    client = createSqsClient({ region: sqs.region, endpoint: sqs.endpoint, requestTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  it('gathers messages for the batch window into one invocation of Lambda’s event shape, and deletes all but the failures', async () => {
    const queue = sqs.queues.get('work')!;
    const events: SqsEvent[] = [];
    const source = startSqsEventSource({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: sqs.region,
      functionName: 'test',
      handler: async (event) => {
        events.push(event);
        return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
      },
      batchSize: 3,
      batchWindowMs: 1_000,
      waitTimeSeconds: 1,
      concurrency: 1,
      timeoutMs: 30_000,
      logger: pino({ level: 'silent' }),
    });
    try {
      const ids: string[] = [];
      for (const body of ['a', 'b', 'c']) {
        ids.push(await send(client, queue.url, body));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await eventually(
        async () => events.length,
        (count) => count > 0,
      );
      expect(events.map((event) => event.Records.map((record) => record.body))).toStrictEqual([
        ['a', 'b', 'c'],
      ]);
      const [first] = events[0]!.Records;
      expect(first).toMatchObject({
        messageId: ids[0],
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: sqs.region,
        md5OfBody: '0cc175b9c0f1b6a831c399e269772661',
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
      });
      expect(Number(first!.attributes.SentTimestamp)).toBeGreaterThan(0);
    } finally {
      await source.close();
    }
    // The reported failure stays in flight (to reappear after the visibility timeout); the rest are gone.
    expect(await queueDepth(client, queue.url)).toStrictEqual(['0', '1']);
  });
});
