import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BarWindowPublisher } from '../../../engine/signals/bar-window-publisher.ts';
import { sqsBarQueueSender } from '../../../engine/signals/sqs-signal-queues.ts';
import { type LocalSqs, startLocalSqs } from '../../../local/local-sqs.ts';
import { createSqsClient } from '../../../shared/queues/sqs-client.ts';
import { parseBarWindowMessage } from '../../../shared/signals/bar-window-message.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { drain, minuteBar } from '../../support/signals/signal-queues.ts';

async function counter(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.reason ?? 'total'), v.value]));
}

/** A port on 127.0.0.1 that nothing listens on any more: SQS "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Class: BarWindowPublisher', () => {
  let sqs: LocalSqs;

  beforeAll(async () => {
    sqs = await startLocalSqs({
      queues: [{ name: 'bars', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }],
    });
  });

  afterAll(() => sqs.close());

  function publisher(endpoint: string, bufferSize: number) {
    const registry = new Registry();
    const client = createSqsClient({
      region: 'us-east-1',
      endpoint,
      requestTimeoutMs: 1_000,
      maxAttempts: 1,
    });
    const publish = new BarWindowPublisher({
      send: sqsBarQueueSender(client, 'bars'),
      symbols: ['AAPL', 'MSFT'],
      bufferSize,
      flushIntervalMs: 0,
      clock: systemClock,
      registry,
      logger: pino({ level: 'silent' }),
    });
    return { publish, registry, client };
  }

  it('sends each window, in batches of up to ten, as a valid bar-window body; other symbols are not sent', async () => {
    const { publish, registry, client } = publisher(sqs.endpoint, 100);
    const bars = Array.from({ length: 25 }, (_, i) => minuteBar('AAPL', 1_000 + i));
    for (let i = 1; i <= 25; i++) publish.publish('AAPL', bars.slice(Math.max(0, i - 3), i));
    publish.publish('TSLA', [minuteBar('TSLA', 1_000)]);
    await publish.stop();

    const bodies = await drain(client, sqs.queues.get('bars')!.url);
    const windows = bodies.map((body) => {
      const parsed = parseBarWindowMessage(body);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.value;
    });
    expect(
      windows
        .map((w) => [w.symbol, w.bars.at(-1)!.startUs, w.bars.length])
        .sort((a, b) => Number(a[1]) - Number(b[1])),
    ).toStrictEqual(bars.map((bar, i) => ['AAPL', bar.startUs, Math.min(3, i + 1)]));
    expect(await counter(registry, 'engine_signal_bars_published_total')).toStrictEqual({ total: 25 });
    client.destroy();
  });

  it('when SQS is down: publish never throws, and every window is dropped and counted', async () => {
    const { publish, registry, client } = publisher(`http://127.0.0.1:${await closedPort()}`, 1_000);
    expect(() => {
      for (let i = 0; i < 30; i++) publish.publish('AAPL', [minuteBar('AAPL', 2_000 + i)]);
    }).not.toThrow();
    await publish.stop();

    expect(await counter(registry, 'engine_signal_bars_dropped_total')).toStrictEqual({ send_failed: 30 });
    expect(await counter(registry, 'engine_signal_bars_published_total')).toStrictEqual({ total: 0 });
    client.destroy();
  });

  it('when the buffer is full: the oldest window goes and is counted, publish still returns at once', async () => {
    const { publish, registry, client } = publisher(`http://127.0.0.1:${await closedPort()}`, 5);
    for (let i = 0; i < 12; i++) publish.publish('MSFT', [minuteBar('MSFT', 3_000 + i)]);
    expect(publish.buffered).toBe(5);
    await publish.stop();

    expect(await counter(registry, 'engine_signal_bars_dropped_total')).toStrictEqual({
      buffer_full: 7,
      send_failed: 5,
    });
    client.destroy();
  });
});
