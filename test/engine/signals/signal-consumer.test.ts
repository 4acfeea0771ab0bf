import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalConsumer } from '../../../engine/signals/signal-consumer.ts';
import { sqsSignalQueue } from '../../../engine/signals/sqs-signal-queues.ts';
import { StrategyHost } from '../../../engine/strategy/strategy-host.ts';
import { type LocalSqs, startLocalSqs } from '../../../local/local-sqs.ts';
import { createSqsClient } from '../../../shared/queues/sqs-client.ts';
import { type Signal, signalId } from '../../../shared/signals/signal-message.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { recordingContext } from '../../support/recording-context.ts';
import { signalFollowingStrategy } from '../../support/signals/signal-following-strategy.ts';
import { eventually, queueDepth, send } from '../../support/signals/signal-queues.ts';

const NOW_MS = 1_800_000_000_000;

function signal(minute: number, generatedAtMs: number): Signal {
  const barStartUs = minute * 60_000_000;
  return {
    version: 1,
    signalId: signalId('follower', 'AAPL', barStartUs),
    strategyId: 'follower',
    symbol: 'AAPL',
    barStartUs,
    generatedAtMs,
    direction: 'long',
    strength: 0.5,
    confidence: 0.9,
    referencePrice: 190,
    modelVersion: 'test',
  };
}

describe('Class: SignalConsumer (fauxqs over loopback)', () => {
  let sqs: LocalSqs;

  beforeAll(async () => {
    sqs = await startLocalSqs({
      queues: [{ name: 'signals', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }],
    });
  });

  afterAll(() => sqs.close());

  it('trades a fresh signal once; drops and counts a stale one, a repeat and a malformed body, never trading them', async () => {
    const client = createSqsClient({ region: sqs.region, endpoint: sqs.endpoint, requestTimeoutMs: 5_000 });
    const queue = sqs.queues.get('signals')!;
    const registry = new Registry();
    const strategy = signalFollowingStrategy({ id: 'follower', symbols: ['AAPL'] });
    const context = recordingContext();
    const host = new StrategyHost([strategy], context, () => {});
    const consumer = new SignalConsumer({
      queue: sqsSignalQueue(client, 'signals', { waitTimeSeconds: 1, maxMessages: 10 }),
      maxSignalAgeMs: 5_000,
      rememberSignalIds: 100,
      onSignal: (s) => host.onSignal(s),
      clock: new ManualClock(NOW_MS),
      registry,
      logger: pino({ level: 'silent' }),
    });
    const fresh = signal(10, NOW_MS - 20);
    await send(client, queue.url, JSON.stringify(fresh));
    await send(client, queue.url, JSON.stringify(fresh));
    await send(client, queue.url, JSON.stringify(signal(11, NOW_MS - 5_001)));
    await send(client, queue.url, JSON.stringify({ ...signal(12, NOW_MS), strength: 7 }));
    await send(client, queue.url, 'garbage');

    consumer.start();
    const counts = await eventually(
      async () => {
        const metric = await registry.getSingleMetric('engine_signals_received_total')!.get();
        return Object.fromEntries(metric.values.map((v) => [String(v.labels.outcome), v.value]));
      },
      (seen) => Object.values(seen).reduce((a, b) => a + b, 0) >= 5,
    );
    await consumer.stop();

    expect(counts).toStrictEqual({ handled: 1, duplicate: 1, stale: 1, invalid: 2 });
    expect(strategy.signals).toStrictEqual([fresh]);
    expect(context.intents.map((i) => [i.intentId, i.side])).toStrictEqual([[fresh.signalId, 'buy']]);
    // The malformed bodies stay in the queue (in flight) for its redrive policy; the rest were deleted.
    expect(await queueDepth(client, queue.url)).toStrictEqual(['0', '2']);
    client.destroy();
  });
});
