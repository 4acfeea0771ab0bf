import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedClient, type Timers } from '../../../engine/marketdata/feed-client.ts';
import { FeedMetrics } from '../../../engine/marketdata/feed-metrics.ts';
import type { FeedState } from '../../../engine/marketdata/feed-state.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { waitFor } from './feed-harness.ts';

/** Timers the test fires by hand: the backoff schedule becomes exact. */
class ManualTimers implements Timers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  #next = 0;

  setTimeout(callback: () => void, ms: number): unknown {
    this.pending.set(++this.#next, { callback, ms });
    return this.#next;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Fires the pending timer whose delay matches `predicate`; returns its delay. */
  fire(predicate: (ms: number) => boolean): number {
    for (const [handle, timer] of this.pending) {
      if (!predicate(timer.ms)) continue;
      this.pending.delete(handle);
      timer.callback();
      return timer.ms;
    }
    throw new Error('no such timer pending');
  }
}

let client: FeedClient | undefined;
let server: Server | undefined;

afterEach(async () => {
  await client?.stop();
  client = undefined;
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

/** A TCP port that accepts and then hangs up, or (`hold`) never answers the upgrade. */
async function hangingUpPort(hold = false): Promise<number> {
  server = createServer((socket) => {
    if (!hold) socket.destroy();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as { port: number }).port;
}

describe('Class: FeedClient', () => {
  it('backs off exponentially with jitter up to its cap, one attempt at a time', async () => {
    const port = await hangingUpPort();
    const timers = new ManualTimers();
    const states: FeedState[] = [];
    const metrics = new FeedMetrics();
    const silence = 1_000_000;
    client = new FeedClient({
      url: `ws://127.0.0.1:${port}/v2/iex`,
      keyId: 'k',
      secretKey: 's',
      subscription: { quotes: ['AAPL'] },
      clock: new ManualClock(0),
      metrics,
      timers,
      random: () => 0.5,
      backoff: { baseDelayMs: 100, maxDelayMs: 1_000 },
      silenceTimeoutMs: silence,
      listener: { onData: () => {}, onStateChange: (state) => states.push(state) },
    });
    client.start();
    const delays: number[] = [];
    const isRetry = (ms: number) => ms !== silence / 4;
    for (let attempt = 0; attempt < 6; attempt++) {
      await waitFor('the attempt to fail', () => client!.state === 'backing_off');
      delays.push(timers.fire(isRetry));
    }
    // Full jitter at 0.5 of the cap: 100, 200, 400, 800, 1000, 1000 halved.
    expect(delays).toStrictEqual([50, 100, 200, 400, 500, 500]);
    expect(metrics.reconnects).toBe(6);
    expect(states.slice(0, 4)).toStrictEqual(['connecting', 'backing_off', 'connecting', 'backing_off']);
    expect([...timers.pending.values()].filter((timer) => isRetry(timer.ms))).toHaveLength(0);
  });

  it('stops from any state and stays stopped', async () => {
    const port = await hangingUpPort();
    const timers = new ManualTimers();
    client = new FeedClient({
      url: `ws://127.0.0.1:${port}/v2/iex`,
      keyId: 'k',
      secretKey: 's',
      subscription: { quotes: ['AAPL'] },
      clock: new ManualClock(0),
      metrics: new FeedMetrics(),
      timers,
      listener: { onData: () => {} },
    });
    client.start();
    await waitFor('backing off', () => client!.state === 'backing_off');
    await client.stop();
    expect(client.state).toBe('stopped');
    expect(timers.pending.size).toBe(0);
    client.start();
    expect(client.state).toBe('stopped');
  });

  it('stops cleanly in the middle of a handshake that never completes', async () => {
    const port = await hangingUpPort(true);
    client = new FeedClient({
      url: `ws://127.0.0.1:${port}/v2/iex`,
      keyId: 'k',
      secretKey: 's',
      subscription: { quotes: ['AAPL'] },
      clock: new ManualClock(0),
      metrics: new FeedMetrics(),
      timers: new ManualTimers(),
      listener: { onData: () => {} },
    });
    client.start();
    expect(client.state).toBe('connecting');
    await client.stop();
    expect(client.state).toBe('stopped');
  });
});
