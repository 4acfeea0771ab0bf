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
      queues: [
        { name: 'work', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 },
        { name: 'slots', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 },
      ],
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

  it('runs at most `concurrency` invocations at once and receives the next message when one of them ends', async () => {
    // Prepare: three messages waiting, and a handler that holds each invocation until released.
    const queue = sqs.queues.get('slots')!;
    for (const body of ['a', 'b', 'c']) await send(client, queue.url, body);
    const started: string[] = [];
    const release: (() => void)[] = [];
    const source = startSqsEventSource({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: sqs.region,
      functionName: 'test',
      handler: async (event) => {
        started.push(...event.Records.map((record) => record.body));
        await new Promise<void>((resolve) => release.push(resolve));
        return { batchItemFailures: [] };
      },
      batchSize: 1,
      batchWindowMs: 0,
      waitTimeSeconds: 1,
      concurrency: 2,
      timeoutMs: 30_000,
      logger: pino({ level: 'silent' }),
    });
    try {
      // Act and assess: two invocations run and the third message is not received meanwhile.
      await eventually(
        async () => started.length,
        (count) => count === 2,
      );
      expect(await queueDepth(client, queue.url)).toStrictEqual(['1', '2']);
      expect(source.invocations).toBe(2);
      release.shift()!();
      await eventually(
        async () => started.length,
        (count) => count === 3,
      );
      expect(started).toStrictEqual(['a', 'b', 'c']);
    } finally {
      for (const resume of release.splice(0)) resume();
      await source.close();
    }
    expect(await queueDepth(client, queue.url)).toStrictEqual(['0', '0']);
  });

  it('wakes one receive per message: the next is sent once, not once per idle slot', async () => {
    // Prepare: a client of its own that counts the receives it sends.
    const queue = sqs.queues.get('slots')!;
    const pollerClient = createSqsClient({
      region: sqs.region,
      endpoint: sqs.endpoint,
      requestTimeoutMs: 25_000,
    });
    let receives = 0;
    pollerClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ReceiveMessageCommand') receives++;
        return next(args);
      },
      { step: 'initialize', name: 'countReceives' },
    );
    const handled: string[] = [];
    const source = startSqsEventSource({
      client: pollerClient,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: sqs.region,
      functionName: 'test',
      handler: async (event) => {
        handled.push(...event.Records.map((record) => record.body));
        return { batchItemFailures: [] };
      },
      batchSize: 10,
      batchWindowMs: 0,
      waitTimeSeconds: 20,
      concurrency: 2,
      timeoutMs: 30_000,
      logger: pino({ level: 'silent' }),
    });
    try {
      await eventually(
        async () => receives,
        (count) => count === 1,
      );
      // Act
      await send(client, queue.url, 'x');
      await eventually(
        async () => handled,
        (bodies) => bodies.length === 1,
      );
      await eventually(
        async () => queueDepth(client, queue.url),
        ([visible, inFlight]) => visible === '0' && inFlight === '0',
      );
      // Assess: the receive that got the message, and the one long-polling for the next.
      expect(receives).toBe(2);
      expect(handled).toStrictEqual(['x']);
    } finally {
      await source.close();
      pollerClient.destroy();
    }
  });
});
