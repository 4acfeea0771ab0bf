/**
 * The webhook sink against a real HTTP receiver on loopback, and the notifier's storm limiting in
 * front of it on a manual clock and timers: what reaches the channel, and what a failure leaves.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineNotifier } from '../../../engine/notifications/engine-notifier.ts';
import { SlackWebhookSink, WebhookError } from '../../../engine/notifications/slack-webhook-sink.ts';
import type { BreakerTransition } from '../../../engine/risk/risk-events.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { SecretRegistry } from '../../../shared/logging/secret-registry.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { ManualTimers } from '../../shared/broker/alpaca/manual-timers.ts';
import { notification, startWebhookReceiver, T0, type WebhookReceiver } from './notifications-fixture.ts';

function halt(n: number): BreakerTransition {
  return {
    type: 'breaker_transition',
    from: 'normal',
    to: 'halted',
    reason: 'operator_halt',
    detail: `halt ${n}`,
    operator: 'alice',
    atMs: T0 + n,
  };
}

describe('Class: SlackWebhookSink', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });

  afterEach(async () => {
    await receiver.close();
  });

  it('posts a notification as Slack incoming-webhook JSON, text and blocks, escaping markup', async () => {
    const sink = new SlackWebhookSink({ url: receiver.url });

    await sink.deliver({
      type: 'notification',
      notification: notification({
        severity: 'P0',
        kind: 'kill_switch',
        title: 'kill switch thrown by alice',
        detail: 'Reason: <runaway> & more',
      }),
    });

    expect(receiver.bodies).toStrictEqual([
      {
        text: '[P0] kill switch thrown by alice',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'P0 · kill switch thrown by alice' } },
          { type: 'section', text: { type: 'mrkdwn', text: 'Reason: &lt;runaway&gt; &amp; more' } },
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: 'account *paper-1* · development · 2026-11-24T15:00:00.000Z' },
            ],
          },
        ],
      },
    ]);
  });

  it('rejects with the HTTP status and the answer, never the URL', async () => {
    receiver.status = 404;
    const sink = new SlackWebhookSink({ url: receiver.url });

    const failure = sink.deliver({ type: 'notification', notification: notification() });

    await expect(failure).rejects.toStrictEqual(new WebhookError('webhook answered HTTP 404: no_service'));
  });

  it('rejects with the error code when nothing listens, never the URL', async () => {
    const url = receiver.url;
    await receiver.close();
    const sink = new SlackWebhookSink({ url });

    const failure = sink.deliver({ type: 'notification', notification: notification() });

    await expect(failure).rejects.toStrictEqual(new WebhookError('webhook did not answer (ECONNREFUSED)'));
    receiver = await startWebhookReceiver();
  });

  it.each([
    ['plain http off loopback', 'http://hooks.example.com/services/T0/B0/secret'],
    ['not a URL', 'hooks.example.com/services/T0/B0/secret'],
  ])('refuses a URL that is %s, without quoting it', (_, url) => {
    let error: unknown;
    try {
      new SlackWebhookSink({ url });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(WebhookError);
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('Feature: a storm of notifications to the webhook', () => {
  let receiver: WebhookReceiver;
  const lines: string[] = [];
  const logger = createLogger({
    name: 'notifications-test',
    destination: { write: (line: string) => void lines.push(line) },
    secrets: new SecretRegistry(),
  });

  beforeEach(async () => {
    lines.length = 0;
    receiver = await startWebhookReceiver();
  });

  afterEach(async () => {
    await receiver.close();
  });

  function notifier(registry: Registry, timers: ManualTimers): EngineNotifier {
    return new EngineNotifier({
      account: 'paper-1',
      environment: 'development',
      sinks: [new SlackWebhookSink({ url: receiver.url })],
      feedDownAfterMs: 5_000,
      clock: new ManualClock(T0),
      logger,
      registry,
      limits: { maxPerWindow: 5, windowMs: 60_000, summaryTitles: 3 },
      timers,
    });
  }

  async function outcomes(registry: Registry): Promise<Record<string, number>> {
    const metric = await registry.getSingleMetric('engine_notifications_total')!.get();
    return Object.fromEntries(
      metric.values.map(({ labels, value }) => [`${labels.sink}:${labels.outcome}`, value]),
    );
  }

  it('posts the first five of 50 events, then one summary of the other 45 when the window closes', async () => {
    // Prepare
    const registry = new Registry();
    const timers = new ManualTimers();
    const subject = notifier(registry, timers);

    // Act
    for (let n = 0; n < 50; n++) subject.riskEvent(halt(n));
    await receiver.received(5);
    expect(timers.delays()).toStrictEqual([60_000]);
    timers.fireAll();
    await subject.close();

    // Assess
    expect(receiver.bodies.map((body) => body.text)).toStrictEqual([
      ...Array(5).fill('[P0] circuit breaker halted (operator_halt) by alice'),
      '[P0] 45 more notifications held back in a storm (breaker_tripped ×45)',
    ]);
    expect(receiver.bodies[5]!.blocks[1]).toStrictEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'First held:\n• circuit breaker halted (operator_halt) by alice\n• circuit breaker halted (operator_halt) by alice\n• circuit breaker halted (operator_halt) by alice',
      },
    });
    expect(await outcomes(registry)).toStrictEqual({ 'webhook:delivered': 6, 'webhook:held': 45 });
    // The log has every one of them.
    expect(lines.filter((line) => line.includes('"msg":"P0 circuit breaker halted'))).toHaveLength(50);
  });

  it('sends what a window holds when the notifier closes, without waiting for the window', async () => {
    const registry = new Registry();
    const timers = new ManualTimers();
    const subject = notifier(registry, timers);

    for (let n = 0; n < 7; n++) subject.riskEvent(halt(n));
    await subject.close();

    expect(receiver.bodies.map((body) => body.text).at(-1)).toBe(
      '[P0] 2 more notifications held back in a storm (breaker_tripped ×2)',
    );
    expect(receiver.bodies).toHaveLength(6);
    expect(timers.delays()).toStrictEqual([]);
  });

  it('logs and counts a failed post without throwing, and never logs the URL', async () => {
    receiver.status = 403;
    const registry = new Registry();
    const subject = notifier(registry, new ManualTimers());

    subject.riskEvent(halt(1));
    await subject.close();

    expect(await outcomes(registry)).toStrictEqual({ 'webhook:failed': 1 });
    const failure = lines.find((line) => line.includes('notification not delivered'));
    expect(JSON.parse(failure!)).toMatchObject({
      level: 50,
      sink: 'webhook',
      message: 'breaker_tripped',
      reason: 'webhook answered HTTP 403: no_service',
    });
    expect(lines.join('\n')).not.toContain('secret-part-of-the-url');
  });
});
