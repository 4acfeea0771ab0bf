/**
 * The SNS sink against fauxqs' SNS on loopback: each paging topic has an SQS queue subscribed, as
 * an e-mail or pager subscription would be, and the test reads what the topic delivered (the SNS
 * envelope: topic, subject, message) from the queues.
 */
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineNotifier } from '../../../engine/notifications/engine-notifier.ts';
import { SnsSink } from '../../../engine/notifications/sns-sink.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { SecretRegistry } from '../../../shared/logging/secret-registry.ts';
import { createSqsClient } from '../../../shared/queues/sqs-client.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { ManualTimers } from '../../shared/broker/alpaca/manual-timers.ts';
import { notification, T0 } from './notifications-fixture.ts';

const REGION = 'us-east-1';

interface Delivered {
  readonly topicArn: string;
  readonly subject: string;
  readonly message: string;
}

describe('Class: SnsSink (fauxqs SNS, a queue subscribed to each topic)', () => {
  const server = buildApp({ logger: false, defaultRegion: REGION });
  let sns: SNSClient;
  let sqs: SQSClient;
  let topics: { page: string; notify: string };
  const queues: Record<string, string> = {};

  beforeAll(async () => {
    await server.listen({ port: 0, host: '127.0.0.1' });
    const endpoint = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    sns = new SNSClient({
      region: REGION,
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    sqs = createSqsClient({ region: REGION, endpoint, requestTimeoutMs: 5_000 });
    const arns: Record<string, string> = {};
    for (const name of ['page', 'notify']) {
      arns[name] = (await sns.send(new CreateTopicCommand({ Name: `trading-${name}` }))).TopicArn!;
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-subscriber` }))).QueueUrl!;
      const queueArn = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
      ).Attributes!.QueueArn!;
      await sns.send(new SubscribeCommand({ TopicArn: arns[name], Protocol: 'sqs', Endpoint: queueArn }));
      queues[name] = url;
    }
    topics = { page: arns.page!, notify: arns.notify! };
  });

  afterAll(async () => {
    sns?.destroy();
    sqs?.destroy();
    await server.close();
  });

  /** Everything the topic's subscriber queue has received since the last read. */
  async function delivered(topic: 'page' | 'notify'): Promise<Delivered[]> {
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues[topic], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    return (answer.Messages ?? []).map((message) => {
      const envelope = JSON.parse(message.Body!) as { TopicArn: string; Subject: string; Message: string };
      return { topicArn: envelope.TopicArn, subject: envelope.Subject, message: envelope.Message };
    });
  }

  it('publishes a P0 to the page topic and a P1 to the notify topic, with a subject and the whole text', async () => {
    const sink = new SnsSink(sns, topics);

    await sink.deliver({
      type: 'notification',
      notification: notification({
        severity: 'P0',
        kind: 'lease_lost',
        title: 'engine lease lost',
        detail: 'renewal overdue',
      }),
    });
    await sink.deliver({ type: 'notification', notification: notification() });

    expect(await delivered('page')).toStrictEqual([
      {
        topicArn: topics.page,
        subject: '[P0] paper-1: engine lease lost',
        message: [
          '[P0] engine lease lost',
          '',
          'renewal overdue',
          '',
          'account: paper-1',
          'environment: development',
          'at: 2026-11-24T15:00:00.000Z',
          'kind: lease_lost',
        ].join('\n'),
      },
    ]);
    expect((await delivered('notify')).map(({ topicArn, subject }) => ({ topicArn, subject }))).toStrictEqual(
      [{ topicArn: topics.notify, subject: '[P1] paper-1: market data feed0 cut off for 5.0s' }],
    );
  });

  it('keeps a subject to one line under 100 characters', async () => {
    const sink = new SnsSink(sns, topics);

    await sink.deliver({
      type: 'notification',
      notification: notification({ title: `line one\nline two ${'x'.repeat(200)}` }),
    });

    const [{ subject }] = (await delivered('notify')) as [Delivered];
    expect(subject).toHaveLength(99);
    expect(subject.startsWith('[P1] paper-1: line one line two xxx')).toBe(true);
    expect(subject.endsWith('…')).toBe(true);
  });

  it('pages the summary of a storm that held a P0, behind the notifier’s limiter', async () => {
    const timers = new ManualTimers();
    const notifier = new EngineNotifier({
      account: 'paper-1',
      environment: 'development',
      sinks: [new SnsSink(sns, topics)],
      feedDownAfterMs: 5_000,
      clock: new ManualClock(T0),
      logger: createLogger({ name: 'sns-test', level: 'silent' }),
      registry: new Registry(),
      limits: { maxPerWindow: 2, windowMs: 60_000, summaryTitles: 5 },
      timers,
    });

    notifier.leaseLost('renewal overdue');
    notifier.restartDifferences([]);
    for (let n = 0; n < 3; n++)
      notifier.riskEvent({
        type: 'loss_warning',
        levelPct: 80 + n,
        dailyPnlUsd: -800,
        limitUsd: 1000,
        atMs: T0,
      });
    notifier.riskEvent({
      type: 'kill_switch',
      operator: 'alice',
      reason: 'runaway',
      cancelClientOrderIds: [],
      flatten: [],
      atMs: T0,
    });
    timers.fireAll();
    await notifier.close();

    expect((await delivered('notify')).map(({ subject }) => subject)).toStrictEqual([
      '[P1] paper-1: daily loss at 80 % of the limit',
    ]);
    expect(await delivered('page')).toStrictEqual([
      expect.objectContaining({ subject: '[P0] paper-1: engine lease lost: the engine stopped trading' }),
      {
        topicArn: topics.page,
        subject:
          '[P0] paper-1: 3 more notifications held back in a storm (loss_threshold ×2, kill_switch ×1)',
        message: [
          '[P0] 3 more notifications held back in a storm (loss_threshold ×2, kill_switch ×1)',
          '',
          'First held:',
          '- daily loss at 81 % of the limit',
          '- daily loss at 82 % of the limit',
          '- kill switch thrown by alice',
          '',
          'account: paper-1',
          'environment: development',
          'from: 2026-11-24T15:00:00.000Z',
          'to: 2026-11-24T15:00:00.000Z',
        ].join('\n'),
      },
    ]);
  });

  it('logs and counts a publish SNS refuses (no such topic), without throwing', async () => {
    const registry = new Registry();
    const lines: string[] = [];
    const notifier = new EngineNotifier({
      account: 'paper-1',
      environment: 'development',
      sinks: [new SnsSink(sns, { page: `${topics.page}-missing`, notify: topics.notify })],
      feedDownAfterMs: 5_000,
      clock: new ManualClock(T0),
      logger: createLogger({
        name: 'sns-test',
        destination: { write: (line: string) => void lines.push(line) },
        secrets: new SecretRegistry(),
      }),
      registry,
    });

    notifier.leaseLost('renewal overdue');
    await notifier.close();

    const metric = await registry.getSingleMetric('engine_notifications_total')!.get();
    expect(metric.values.map(({ labels, value }) => ({ labels, value }))).toStrictEqual([
      { labels: { sink: 'sns', outcome: 'failed' }, value: 1 },
    ]);
    expect(lines.some((line) => line.includes('notification not delivered'))).toBe(true);
  });
});
