import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bookCondition } from '../../../../../engine/book/best-bid-offer.ts';
import { MarketDataHistoryClient } from '../../../../../shared/broker/alpaca/market-data/history-client.ts';
import {
  DEFAULT_SIM_KEY_ID,
  DEFAULT_SIM_SECRET_KEY,
} from '../../../../../shared/broker/simulator-credentials.ts';
import type { Bar } from '../../../../../shared/domain/market-data.ts';
import { ManualClock, systemClock } from '../../../../../shared/time/clock.ts';
import { MessageKindIndex } from '../../../../../shared/venue/feed-metrics.ts';
import { type Simulator, startSimulator } from '../../../../../sim/simulator.ts';
import { admin, connectFeed, type FeedUnderTest } from '../../../../engine/marketdata/feed-harness.ts';
import { waitFor } from '../wait-for.ts';

const START_MS = Date.UTC(2026, 10, 24, 15, 0, 0);

let sim: Simulator | undefined;
const feeds: FeedUnderTest[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  await Promise.all(feeds.splice(0).map((feed) => feed.client.stop()));
  for (const socket of sockets.splice(0)) socket.terminate();
  await sim?.close();
  sim = undefined;
});

function track(feed: FeedUnderTest): FeedUnderTest {
  feeds.push(feed);
  feed.client.start();
  return feed;
}

/** Moves virtual time in one-second steps, so every frame goes out in order. */
function advance(clock: ManualClock, seconds: number): void {
  for (let i = 0; i < seconds; i++) sim!.advanceTo(clock.nowMs() + 1_000);
}

const count = (feed: FeedUnderTest, kind: keyof typeof MessageKindIndex): number =>
  feed.metrics.messages[MessageKindIndex[kind]]!;

/** The venue's own minute bars, the reference the feed's bars must equal. */
function venueMinuteBars(sim: Simulator, symbols: string[], fromUs: number, toUs: number) {
  return new MarketDataHistoryClient({
    baseUrl: sim.baseUrl,
    keyId: DEFAULT_SIM_KEY_ID,
    secretKey: DEFAULT_SIM_SECRET_KEY,
    stockFeed: 'iex',
  }).fetchMinuteBars(symbols, fromUs, toUs);
}

/** The fields two sources of the same bar must agree on. */
function barShape(bars: readonly Bar[]) {
  return bars.map(({ startUs, open, high, low, close, volume, tradeCount }) => ({
    startUs,
    open,
    high,
    low,
    close,
    volume,
    tradeCount,
  }));
}

describe('FeedClient against the simulator', () => {
  it('subscribes and receives trades, quotes, minute/updated/daily bars, statuses, LULD bands and crypto order books', async () => {
    const clock = new ManualClock(START_MS);
    sim = await startSimulator({ clock, symbols: ['AAPL', 'BTC/USD'], messagesPerSecond: 20 });
    const stocks = track(
      connectFeed(sim, {
        clock,
        subscription: {
          trades: ['AAPL'],
          quotes: ['AAPL'],
          bars: ['AAPL'],
          updatedBars: ['AAPL'],
          dailyBars: ['AAPL'],
          statuses: ['AAPL'],
          lulds: ['AAPL'],
        },
      }),
    );
    const crypto = track(
      connectFeed(sim, {
        clock,
        path: '/v1beta3/crypto/us',
        subscription: { trades: ['BTC/USD'], quotes: ['BTC/USD'], orderbooks: ['BTC/USD'] },
      }),
    );
    await waitFor(
      'both feeds streaming',
      () => stocks.client.state === 'ready' && crypto.client.state === 'ready',
    );
    expect(stocks.states.map((s) => s.state)).toStrictEqual([
      'connecting',
      'authenticating',
      'subscribing',
      'ready',
    ]);

    advance(clock, 125);
    expect(sim.market.halt('AAPL').ok).toBe(true);
    expect(sim.market.setLuld('AAPL', { limitUp: 500, limitDown: 10 }).ok).toBe(true);
    sim.advanceTo(clock.nowMs() + 1_000);

    await waitFor('every stock message type', () =>
      (['trade', 'quote', 'bar', 'status', 'luld'] as const).every((kind) => count(stocks, kind) > 0),
    );
    await waitFor('crypto books', () => count(crypto, 'orderbook') > 0 && count(crypto, 'quote') > 0);
    expect(stocks.metrics.parseErrors + crypto.metrics.parseErrors).toBe(0);

    const top = stocks.service.topOfBook('AAPL')!;
    expect(top.bidPrice).toBeGreaterThan(0);
    expect(stocks.service.freshness('AAPL', clock.nowUs())).toBe('fresh');
    const minutes = stocks.bars.filter((bar) => bar.kind === 'minute').map((bar) => bar.startUs);
    expect(minutes).toStrictEqual([START_MS * 1000, (START_MS + 60_000) * 1000]);
    expect(stocks.service.dailyBar('AAPL')).toMatchObject({ kind: 'daily', symbol: 'AAPL' });

    const book = crypto.service.orderBook('BTC/USD')!;
    expect(book.bids.levelCount).toBeGreaterThan(0);
    expect(book.asks.levelCount).toBeGreaterThan(0);
    expect(bookCondition(book)).toBe('normal');
  });

  it('speaks msgpack when asked, with the same validation, and rejects malformed msgpack frames', async () => {
    const clock = new ManualClock(START_MS);
    sim = await startSimulator({ clock, symbols: ['AAPL', 'BTC/USD'], messagesPerSecond: 20 });
    const stocks = track(
      connectFeed(sim, {
        clock,
        subscription: { trades: ['AAPL'], quotes: ['AAPL'], bars: ['AAPL'] },
        client: { codec: 'msgpack' },
      }),
    );
    const crypto = track(
      connectFeed(sim, {
        clock,
        path: '/v1beta3/crypto/us',
        subscription: { trades: ['BTC/USD'], orderbooks: ['BTC/USD'] },
        client: { codec: 'msgpack' },
      }),
    );
    await waitFor(
      'both feeds streaming',
      () => stocks.client.state === 'ready' && crypto.client.state === 'ready',
    );
    advance(clock, 65);
    await waitFor('stock data', () =>
      (['trade', 'quote', 'bar'] as const).every((kind) => count(stocks, kind) > 0),
    );
    await waitFor('crypto data', () => count(crypto, 'trade') > 0 && count(crypto, 'orderbook') > 0);
    expect(stocks.metrics.parseErrors + crypto.metrics.parseErrors).toBe(0);
    const quote = sim.market.latestQuote('AAPL')!;
    expect(stocks.service.topOfBook('AAPL')).toMatchObject({
      bidPrice: quote.bidPrice,
      askPrice: quote.askPrice,
      timestampUs: quote.timestampUs,
    });
    expect(stocks.bars[0]?.startUs).toBe(START_MS * 1000);

    for (const kind of ['truncated', 'not-json', 'wrong-shape'])
      await admin(sim, 'faults/malformed', { path: '/v2/iex', kind });
    await waitFor('three rejections', () => stocks.metrics.parseErrors === 3);
    expect(stocks.client.state).toBe('ready');
  });

  it('survives a dropped connection: resubscribes, reports the gap and backfills bars with no hole and no duplicate', async () => {
    const clock = new ManualClock(START_MS);
    sim = await startSimulator({ clock, symbols: ['AAPL', 'MSFT'], messagesPerSecond: 20 });
    // A slow retry, so the test can move virtual time while the client is away.
    const feed = track(
      connectFeed(sim, {
        clock,
        // Updated bars too: the venue corrects a minute when a late trade arrives, and so must we.
        subscription: { quotes: ['AAPL', 'MSFT'], bars: ['AAPL', 'MSFT'], updatedBars: ['AAPL', 'MSFT'] },
        client: { backoff: { baseDelayMs: 400, maxDelayMs: 400 } },
      }),
    );
    await waitFor('ready', () => feed.client.state === 'ready');
    advance(clock, 150);
    await waitFor(
      'two minutes of bars',
      () => feed.service.bars('MSFT')?.length === 2 && feed.service.bars('AAPL')?.length === 2,
    );

    await admin(sim, 'faults/drop', { path: '/v2/iex' });
    await waitFor('the loss to be seen', () => feed.client.state === 'reconnecting');
    expect(feed.service.freshness('AAPL', clock.nowUs())).toBe('in_gap');
    advance(clock, 200); // minutes 2, 3 and 4 close while nobody listens
    await waitFor('streaming again', () => feed.client.state === 'ready');
    await feed.service.settled();
    advance(clock, 130);
    await waitFor(
      'bars through minute 6',
      () => feed.service.bars('MSFT')?.latest?.startUs === (START_MS + 360_000) * 1000,
    );
    await feed.service.settled();

    expect(feed.metrics.reconnects).toBe(1);
    expect(feed.metrics.gapSeconds).toBeGreaterThan(199);
    expect(feed.metrics.backfilledBars).toBeGreaterThanOrEqual(6);
    const reference = await venueMinuteBars(
      sim,
      ['AAPL', 'MSFT'],
      START_MS * 1000,
      (START_MS + 360_000) * 1000,
    );
    if (!reference.ok) throw new Error(reference.reason);
    for (const symbol of ['AAPL', 'MSFT']) {
      const held = feed.service.bars(symbol)!.toArray();
      const starts = held.map((bar) => bar.startUs);
      expect(starts).toStrictEqual(
        Array.from({ length: 7 }, (_, minute) => (START_MS + minute * 60_000) * 1000),
      );
      // Same values as the venue's history (live bars also carry their stream tag, hence toMatchObject).
      expect(held).toMatchObject(reference.items.filter((bar) => bar.symbol === symbol));
      // Consumers saw each minute once, in order, plus corrections of a minute already seen.
      const seen = feed.bars.filter((bar) => bar.symbol === symbol);
      const firstSightings = seen.filter((bar, i) => seen.findIndex((b) => b.startUs === bar.startUs) === i);
      expect(firstSightings.map((bar) => bar.startUs)).toStrictEqual(starts);
      expect(seen.filter((bar) => bar.kind === 'minute' && !firstSightings.includes(bar))).toStrictEqual([]);
    }
    expect(feed.service.freshness('AAPL', clock.nowUs())).toBe('fresh');
  });

  it('backfills missed trades after a drop, so bars built from trades match the venue minute for minute', async () => {
    const clock = new ManualClock(START_MS);
    sim = await startSimulator({ clock, symbols: ['AAPL'], messagesPerSecond: 20 });
    const feed = track(
      connectFeed(sim, {
        clock,
        subscription: { trades: ['AAPL'] },
        client: { backoff: { baseDelayMs: 400, maxDelayMs: 400 } },
        service: { feedBarSymbols: [], tradeBarSymbols: ['AAPL'] },
      }),
    );
    await waitFor('ready', () => feed.client.state === 'ready');
    advance(clock, 90);
    await admin(sim, 'faults/drop', { path: '/v2/iex' });
    await waitFor('the loss to be seen', () => feed.client.state === 'reconnecting');
    advance(clock, 100);
    await waitFor('streaming again', () => feed.client.state === 'ready');
    await feed.service.settled();
    advance(clock, 120);
    await waitFor(
      'live trades after the gap',
      () => count(feed, 'trade') > 0 && feed.service.bars('AAPL')!.length >= 4,
    );
    feed.service.closeTradeBars(clock.nowUs() - 60_000_000);

    const reference = await venueMinuteBars(sim, ['AAPL'], START_MS * 1000, (START_MS + 4 * 60_000) * 1000);
    if (!reference.ok) throw new Error(reference.reason);
    const built = feed.service.bars('AAPL')!.toArray().slice(0, 5);
    expect(barShape(built)).toStrictEqual(barShape(reference.items));
  });

  it('counts a duplicated frame once: bars built from trades still match the venue', async () => {
    const clock = new ManualClock(START_MS);
    sim = await startSimulator({ clock, symbols: ['AAPL'], messagesPerSecond: 20 });
    const feed = track(
      connectFeed(sim, {
        clock,
        subscription: { trades: ['AAPL'] },
        service: { feedBarSymbols: [], tradeBarSymbols: ['AAPL'] },
      }),
    );
    await waitFor('ready', () => feed.client.state === 'ready');
    await admin(sim, 'faults/duplicate', { frames: 1_000_000 });
    advance(clock, 185);
    await waitFor('trades through minute 3', () => (feed.service.bars('AAPL')?.length ?? 0) >= 3);
    expect(feed.service.duplicateTrades).toBeGreaterThan(0);

    const reference = await venueMinuteBars(sim, ['AAPL'], START_MS * 1000, (START_MS + 2 * 60_000) * 1000);
    if (!reference.ok) throw new Error(reference.reason);
    expect(barShape(feed.service.bars('AAPL')!.toArray().slice(0, 3))).toStrictEqual(
      barShape(reference.items),
    );
  });

  it('replaces a silent connection within the configured time and marks its symbols stale meanwhile', async () => {
    sim = await startSimulator({ symbols: ['AAPL'], messagesPerSecond: 200 });
    const feed = track(
      connectFeed(sim, {
        clock: systemClock,
        subscription: { quotes: ['AAPL'] },
        client: { silenceTimeoutMs: 300 },
      }),
    );
    await waitFor('quotes', () => count(feed, 'quote') > 0);
    expect(feed.service.isStale('AAPL', systemClock.nowUs())).toBe(false);

    await admin(sim, 'faults/silence', { path: '/v2/iex' });
    const silencedAt = Date.now();
    await waitFor('the silence to be detected', () => feed.client.state === 'reconnecting');
    expect(Date.now() - silencedAt).toBeLessThan(3_000);
    expect(feed.states.at(-1)!.reason).toMatch(/^silent for \d+ ms \(limit 300 ms\)$/);
    expect(feed.service.freshness('AAPL', systemClock.nowUs())).toBe('in_gap');

    const before = count(feed, 'quote');
    await waitFor('a fresh connection', () => feed.client.state === 'ready' && count(feed, 'quote') > before);
    expect(feed.service.isStale('AAPL', systemClock.nowUs())).toBe(false);
  });

  it('marks a symbol stale when its data is older than its threshold', async () => {
    const clock = new ManualClock(START_MS);
    sim = await startSimulator({ clock, symbols: ['AAPL'], market: 'scripted' });
    const feed = track(
      connectFeed(sim, { clock, subscription: { quotes: ['AAPL'] }, service: { staleAfterMs: 2_000 } }),
    );
    await waitFor('ready', () => feed.client.state === 'ready');
    expect(feed.service.freshness('AAPL', clock.nowUs())).toBe('no_data');
    expect(sim.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02 }).ok).toBe(true);
    sim.advanceTo(clock.nowMs() + 10);
    await waitFor('the quote', () => count(feed, 'quote') === 1);
    expect(feed.service.freshness('AAPL', clock.nowUs())).toBe('fresh');
    sim.advanceTo(clock.nowMs() + 2_500);
    expect(feed.service.freshness('AAPL', clock.nowUs())).toBe('too_old');
    expect(feed.service.isStale('AAPL', clock.nowUs())).toBe(true);
    expect(feed.service.isStale('NOT_FOLLOWED', clock.nowUs())).toBe(true);
  });

  it('backs off longer after a connection-limit error (406) instead of hammering', async () => {
    sim = await startSimulator({ symbols: ['AAPL'], messagesPerSecond: 50 });
    const other = new WebSocket(`ws://127.0.0.1:${sim.port}/v2/iex`);
    sockets.push(other);
    await new Promise((resolve) => other.once('message', resolve));
    other.send(JSON.stringify({ action: 'auth', key: DEFAULT_SIM_KEY_ID, secret: DEFAULT_SIM_SECRET_KEY }));
    await new Promise((resolve) => other.once('message', resolve));

    const feed = track(
      connectFeed(sim, {
        clock: systemClock,
        subscription: { quotes: ['AAPL'] },
        client: { connectionLimitDelayMs: 600 },
      }),
    );
    await waitFor('the 406', () => feed.states.some((s) => s.reason.includes('406')));
    expect(feed.client.state).toBe('reconnecting');
    // Retry delay = jittered backoff (half the 40 ms cap fixed, half × 0.5) + the connection-limit floor.
    expect(feed.timerDelays).toContain(630);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(feed.states.filter((s) => s.state === 'connecting')).toHaveLength(1);

    other.terminate();
    await waitFor('streaming once the other session is gone', () => feed.client.state === 'ready');
  });

  it('stops for good on bad keys with a clear error that does not contain them', async () => {
    sim = await startSimulator({ symbols: ['AAPL'], messagesPerSecond: 50 });
    const secret = 'WRONG-SECRET-3f9a';
    const feed = track(
      connectFeed(sim, { clock: systemClock, secretKey: secret, subscription: { quotes: ['AAPL'] } }),
    );
    await waitFor('fatal', () => feed.client.state === 'fatal');
    const error = feed.client.fatalError!;
    expect(error.name).toBe('StreamFatalError');
    expect(error.code).toBe(402);
    expect(error.message).toContain('the broker refused the API keys');
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(DEFAULT_SIM_KEY_ID);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(feed.client.state).toBe('fatal');
    expect(feed.metrics.reconnects).toBe(0);
  });

  it('rejects and counts malformed frames and keeps streaming', async () => {
    sim = await startSimulator({ symbols: ['AAPL'], messagesPerSecond: 100 });
    const feed = track(connectFeed(sim, { clock: systemClock, subscription: { quotes: ['AAPL'] } }));
    await waitFor('quotes', () => count(feed, 'quote') > 0);
    for (const kind of ['truncated', 'not-json', 'wrong-shape'])
      await admin(sim, 'faults/malformed', { kind });
    await waitFor('three rejections', () => feed.metrics.parseErrors === 3);
    const before = count(feed, 'quote');
    await waitFor('more quotes', () => count(feed, 'quote') > before + 5);
    expect(feed.client.state).toBe('ready');
    expect(feed.states.filter((s) => s.state === 'connecting')).toHaveLength(1);
  });
});
