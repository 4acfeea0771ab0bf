/**
 * A silent stream is a stale stream: the simulator's silence fault (nothing sent, pongs
 * included, the socket left open) against the market-data stage, on the simulator's virtual
 * clock with the client's timers fired by hand, so 25 s of silence across a minute boundary
 * takes no real time and every step is exact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MarketDataHistoryClient } from '../../../shared/broker/alpaca/market-data/history-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { ManualTimers } from '../../shared/broker/alpaca/manual-timers.ts';
import { waitFor } from '../../shared/broker/alpaca/wait-for.ts';
import { admin, connectFeed, type FeedUnderTest } from './feed-harness.ts';

const START_MS = Date.UTC(2026, 10, 24, 15, 0, 0);
const SYMBOLS = ['AAPL', 'MSFT'];
const minuteUs = (minute: number) => (START_MS + minute * 60_000) * 1000;

let sim: Simulator | undefined;
let feed: FeedUnderTest | undefined;

afterEach(async () => {
  await feed?.client.stop();
  feed = undefined;
  await sim?.close();
  sim = undefined;
});

/** Moves virtual time in one-second steps, so every frame goes out in order. */
function advance(clock: ManualClock, seconds: number): void {
  for (let i = 0; i < seconds; i++) sim!.advanceTo(clock.nowMs() + 1_000);
}

/**
 * A feed streaming quotes and bars until 15:01:50 (virtual), minute 0's bars in, when the venue
 * goes silent: nothing sent, the socket left open.
 */
async function silentAfterAMinute(silenceTimeoutMs: number) {
  const clock = new ManualClock(START_MS);
  sim = await startSimulator({ clock, symbols: SYMBOLS, messagesPerSecond: 20 });
  const timers = new ManualTimers();
  feed = connectFeed(sim, {
    clock,
    subscription: { quotes: SYMBOLS, bars: SYMBOLS, updatedBars: SYMBOLS },
    client: { timers, staleAfterMs: 2_000, silenceTimeoutMs },
  });
  const { client, service } = feed;
  client.start();
  await waitFor('ready', () => client.state === 'ready');
  advance(clock, 110);
  await waitFor('minute 0 bars', () => SYMBOLS.every((symbol) => service.bars(symbol)?.length === 1));
  await admin(sim, 'faults/silence', { path: '/v2/iex', enabled: true });
  return { clock, timers, simulator: sim, ...feed };
}

describe('Feature: a silent market-data stream is a stale stream', () => {
  it('25 s of silence: stale after staleAfterMs, replaced as a zombie, the whole silence counted as a gap and its minutes backfilled', async () => {
    // Prepare: silent from 15:01:50 (virtual).
    const { clock, timers, client, service, metrics, simulator, states, bars } =
      await silentAfterAMinute(20_000);
    advance(clock, 3);
    timers.fireAll();
    // Assess: stale at once, before any reconnect; every symbol stale too.
    expect(client.state).toBe('stale');
    expect(service.freshness('AAPL', clock.nowUs())).toBe('in_gap');
    expect(metrics.reconnects).toBe(0);

    // Act: 22 s more, across 15:02:00 (minute 1's bar goes out unheard), then the liveness check.
    advance(clock, 22);
    timers.fireAll();
    expect(client.state).toBe('reconnecting');
    expect(states.at(-1)!.reason).toBe('silent for 25000 ms (limit 20000 ms)');
    timers.fireAll();
    await waitFor('ready again', () => client.state === 'ready');
    await service.settled();

    // Assess: the gap runs from the last data (15:01:50) to ready again (15:02:15).
    expect(metrics.reconnects).toBe(1);
    expect(metrics.gapSeconds).toBe(25);
    expect(metrics.backfilledBars).toBe(2);
    advance(clock, 60);
    await waitFor('minute 2 bars', () => SYMBOLS.every((symbol) => service.bars(symbol)?.length === 3));
    const venue = await new MarketDataHistoryClient({
      baseUrl: simulator.baseUrl,
      keyId: DEFAULT_SIM_KEY_ID,
      secretKey: DEFAULT_SIM_SECRET_KEY,
      stockFeed: 'iex',
    }).fetchMinuteBars(SYMBOLS, minuteUs(0), minuteUs(2));
    if (!venue.ok) throw new Error(venue.reason);
    for (const symbol of SYMBOLS) {
      const held = service.bars(symbol)!.toArray();
      expect(held.map((bar) => bar.startUs)).toStrictEqual([minuteUs(0), minuteUs(1), minuteUs(2)]);
      expect(held).toMatchObject(venue.items.filter((bar) => bar.symbol === symbol));
      // Consumers saw minute 1 (backfilled) before minute 2 (live), each once.
      const seen = bars.filter((bar) => bar.symbol === symbol && bar.kind === 'minute');
      expect(seen.map((bar) => bar.startUs)).toStrictEqual([minuteUs(0), minuteUs(1), minuteUs(2)]);
    }
    expect(service.freshness('AAPL', clock.nowUs())).toBe('fresh');
  });

  it('a silence shorter than the zombie limit: ready again on the same socket when data returns, and the gap still backfilled', async () => {
    const { clock, timers, client, service, metrics, simulator } = await silentAfterAMinute(60_000);
    advance(clock, 25);
    timers.fireAll();
    expect(client.state).toBe('stale');
    await admin(simulator, 'faults/silence', { path: '/v2/iex', enabled: false });
    advance(clock, 1);
    await waitFor('data again', () => client.state === 'ready');
    await service.settled();

    expect(metrics.reconnects).toBe(0);
    expect(metrics.gapSeconds).toBe(26);
    expect(SYMBOLS.map((symbol) => service.bars(symbol)!.latest?.startUs)).toStrictEqual([
      minuteUs(1),
      minuteUs(1),
    ]);
  });
});
