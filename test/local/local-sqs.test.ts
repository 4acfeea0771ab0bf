import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqs, startLocalSqs } from '../../local/local-sqs.ts';
import { createSqsClient } from '../../shared/queues/sqs-client.ts';
import { drain, send } from '../support/signals/signal-queues.ts';

describe('Function: startLocalSqs (fauxqs on loopback)', () => {
  let sqs: LocalSqs;
  let client: SQSClient;

  beforeAll(async () => {
    sqs = await startLocalSqs({
      queues: [{ name: 'work', visibilityTimeoutSeconds: 1, maxReceiveCount: 2 }],
    });
    client = createSqsClient({ region: sqs.region, endpoint: sqs.endpoint, requestTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  const receive = async (url: string, waitTimeSeconds: number) =>
    (
      await client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      )
    ).Messages ?? [];

  it('serves on 127.0.0.1 and gives each queue a redrive policy to its own dead-letter queue', async () => {
    const work = sqs.queues.get('work')!;
    expect(sqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: work.url,
        AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
      }),
    );
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toStrictEqual({
      deadLetterTargetArn: work.deadLetter.arn,
      maxReceiveCount: 2,
    });
    expect(Attributes!.VisibilityTimeout).toBe('1');
  });

  it('hides a received message for the visibility timeout, counts receives, and redrives after maxReceiveCount', async () => {
    const work = sqs.queues.get('work')!;
    const id = await send(client, work.url, 'poison');

    const first = await receive(work.url, 1);
    expect(first.map((m) => [m.MessageId, m.Attributes?.ApproximateReceiveCount])).toStrictEqual([[id, '1']]);
    // Invisible while in flight: a receive at once finds nothing.
    expect(await receive(work.url, 0)).toStrictEqual([]);

    const second = await receive(work.url, 3);
    expect(second.map((m) => [m.MessageId, m.Attributes?.ApproximateReceiveCount])).toStrictEqual([
      [id, '2'],
    ]);
    // Visible again at once when the consumer gives it back.
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: work.url,
        ReceiptHandle: second[0]!.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );

    // The third receive would exceed maxReceiveCount 2: the message moves to the dead-letter queue.
    expect(await receive(work.url, 1)).toStrictEqual([]);
    expect(await drain(client, work.deadLetter.url)).toStrictEqual(['poison']);
  });
});
