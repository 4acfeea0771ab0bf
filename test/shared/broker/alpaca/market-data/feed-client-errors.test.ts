import { afterEach, describe, expect, it } from 'vitest';
import { FeedClient } from '../../../../../shared/broker/alpaca/market-data/feed-client.ts';
import type { StreamState } from '../../../../../shared/broker/alpaca/stream-connection-states.ts';
import { ManualClock } from '../../../../../shared/time/clock.ts';
import { FeedMetrics } from '../../../../../shared/venue/feed-metrics.ts';
import { ManualTimers } from '../manual-timers.ts';
import { FakeStreamPeer, KEY_ID, SECRET_KEY } from '../stream-peers.ts';
import { waitFor } from '../wait-for.ts';

let client: FeedClient | undefined;
let peer: FakeStreamPeer | undefined;

afterEach(async () => {
  await client?.stop();
  client = undefined;
  await peer?.close();
  peer = undefined;
});

describe('Class: FeedClient, server errors', () => {
  it.each([
    [402, 'fatal'],
    [405, 'fatal'],
    [409, 'fatal'],
    [410, 'fatal'],
    [411, 'fatal'],
    [400, 'reconnecting'],
    [401, 'reconnecting'],
    [404, 'reconnecting'],
    [406, 'reconnecting'],
    [407, 'reconnecting'],
    [500, 'reconnecting'],
  ] as const)('error %d after the subscribe leads to %s', async (code, expected) => {
    // A peer that greets, accepts the keys, then answers the subscribe with the error under test.
    peer = await FakeStreamPeer.start('market data', { subscribeError: code });
    const timers = new ManualTimers();
    const states: StreamState[] = [];
    client = new FeedClient({
      url: peer.url,
      keyId: KEY_ID,
      secretKey: SECRET_KEY,
      subscription: { quotes: ['AAPL'], bars: ['AAPL'] },
      clock: new ManualClock(0),
      metrics: new FeedMetrics(),
      timers,
      random: () => 0.5,
      backoff: { baseDelayMs: 100, maxDelayMs: 1_000 },
      connectionLimitDelayMs: 30_000,
      listener: { onData: () => {}, onStateChange: (state) => states.push(state) },
    });
    client.start();
    await waitFor(expected, () => client!.state === expected);
    expect(states).toStrictEqual(['connecting', 'authenticating', 'subscribing', expected]);
    expect(peer.received).toStrictEqual([
      { action: 'auth', key: KEY_ID, secret: SECRET_KEY },
      { action: 'subscribe', quotes: ['AAPL'], bars: ['AAPL'] },
    ]);
    if (expected === 'fatal') {
      expect(client.fatalError?.code).toBe(code);
      expect(client.fatalError?.message).not.toContain(KEY_ID);
      expect(client.fatalError?.message).not.toContain(SECRET_KEY);
      expect(timers.delays()).toStrictEqual([]);
    } else {
      expect(client.fatalError).toBeUndefined();
      // Only the retry is pending: half the 100 ms cap, plus half × 0.5; the 406 floor on top.
      expect(timers.delays()).toStrictEqual([code === 406 ? 30_075 : 75]);
    }
  });
});
