/**
 * The market-data client's own part: staleness and gaps. What the connection promises on both
 * streams (handshake, refused keys, zombies, backoff) is in
 * test/shared/broker/alpaca/stream-connection.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FeedClient } from '../../../../../shared/broker/alpaca/market-data/feed-client.ts';
import type { StreamConnectionSettings } from '../../../../../shared/broker/alpaca/stream-connection.ts';
import type { StreamState } from '../../../../../shared/broker/alpaca/stream-connection-states.ts';
import { ManualClock } from '../../../../../shared/time/clock.ts';
import { FeedMetrics } from '../../../../../shared/venue/feed-metrics.ts';
import type { FeedGap } from '../../../../../shared/venue/market-data-feed.ts';
import { ManualTimers } from '../manual-timers.ts';
import { FakeStreamPeer, KEY_ID, SECRET_KEY } from '../stream-peers.ts';
import { waitFor } from '../wait-for.ts';

const START_MS = Date.UTC(2026, 10, 24, 15, 0, 0);
const QUOTE = { T: 'q', S: 'AAPL', bp: 100, bs: 1, ap: 100.02, as: 2, t: '2026-11-24T15:00:00Z' };

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function feedUnderTest(settings: StreamConnectionSettings) {
  const peer = await FakeStreamPeer.start('market data');
  cleanups.push(() => peer.close());
  const clock = new ManualClock(START_MS);
  const timers = new ManualTimers();
  const metrics = new FeedMetrics();
  const states: StreamState[] = [];
  const reasons: string[] = [];
  const gaps: FeedGap[] = [];
  let frames = 0;
  const client = new FeedClient({
    url: peer.url,
    keyId: KEY_ID,
    secretKey: SECRET_KEY,
    subscription: { quotes: ['AAPL'] },
    clock,
    metrics,
    timers,
    random: () => 0.5,
    silenceTimeoutMs: 1_000_000,
    ...settings,
    listener: {
      onData: () => frames++,
      onStateChange: (state, _previous, reason) => {
        states.push(state);
        reasons.push(reason);
      },
      onResumed: (gap) => gaps.push(gap),
    },
  });
  cleanups.push(() => client.stop());
  client.start();
  await waitFor('ready', () => client.state === 'ready');
  return { peer, clock, timers, metrics, states, reasons, gaps, client, frames: () => frames };
}

describe('Class: FeedClient, silence and gaps', () => {
  it('goes stale once no data arrives for staleAfterMs, and is ready again with the next data; the whole silence is a gap', async () => {
    const feed = await feedUnderTest({ staleAfterMs: 2_000 });
    feed.peer.broadcast(QUOTE);
    await waitFor('the first quote', () => feed.frames() === 1);

    feed.clock.advanceMs(1_500);
    feed.timers.fire((ms) => ms === 2_000);
    expect(feed.client.state).toBe('ready');
    feed.clock.advanceMs(500);
    feed.timers.fire((ms) => ms === 500);
    expect(feed.client.state).toBe('stale');
    expect(feed.reasons.at(-1)).toBe('no data for 2000 ms');
    expect(feed.gaps).toStrictEqual([]);

    feed.clock.advanceMs(23_000);
    feed.peer.broadcast(QUOTE);
    await waitFor('ready again', () => feed.client.state === 'ready');
    expect(feed.states.slice(4)).toStrictEqual(['stale', 'ready']);
    expect(feed.gaps).toStrictEqual([{ startUs: START_MS * 1000, endUs: (START_MS + 25_000) * 1000 }]);
    expect(feed.metrics.gapSeconds).toBe(25);
    // The data that ended the silence is handed on, and the staleness deadline runs again.
    expect(feed.frames()).toBe(2);
    expect(feed.timers.delays()).toContain(2_000);
    expect(feed.metrics.reconnects).toBe(0);
  });

  it('counts a loss from the last data received, not from the moment it was noticed', async () => {
    const feed = await feedUnderTest({});
    feed.peer.broadcast(QUOTE);
    await waitFor('the first quote', () => feed.frames() === 1);
    feed.clock.advanceMs(4_000);
    feed.peer.sockets[0]!.terminate();
    await waitFor('the loss', () => feed.client.state === 'reconnecting');
    feed.clock.advanceMs(3_000);
    feed.timers.fire((ms) => ms < 1_000);
    await waitFor('ready again', () => feed.client.state === 'ready');

    expect(feed.gaps).toStrictEqual([{ startUs: START_MS * 1000, endUs: (START_MS + 7_000) * 1000 }]);
    expect(feed.metrics.gapSeconds).toBe(7);
    expect(feed.metrics.reconnects).toBe(1);
  });

  it('never goes stale without a threshold', async () => {
    const feed = await feedUnderTest({});
    feed.clock.advanceMs(900_000);
    // Only the liveness check is pending: no staleness deadline.
    expect(feed.timers.delays()).toStrictEqual([250_000]);
    feed.timers.fire((ms) => ms === 250_000);
    expect(feed.client.state).toBe('ready');
  });
});
