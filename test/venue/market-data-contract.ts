/**
 * The market-data contract: what the engine's market-data path may rely on from any venue's feed
 * and history, run unchanged against the Alpaca adapter's feed client talking to the HTTP
 * simulator over loopback WebSocket (and its REST history) and against the in-process feed on a
 * virtual clock. Each case scripts the venue's market (a quote, trades, a halt and resumption,
 * LULD bands, a minute closing) and states what a listener receives in domain terms: symbol,
 * exact prices and sizes, timestamps in µs, bar OHLCV, status codes, bands; the feed's states;
 * and that nothing arrives once it is stopped.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedSubscription } from '../../shared/broker/alpaca/market-data/feed-client.ts';
import type { ConnectionState } from '../../shared/venue/connection-state.ts';
import type {
  FeedGap,
  MarketDataFeed,
  MarketDataHistory,
  MarketDataListener,
  MarketDataMessage,
} from '../../shared/venue/market-data-feed.ts';

/** Wednesday 2 December 2026, 10:00 in New York: a minute's start, inside the session. */
export const CONTRACT_START_MS = Date.UTC(2026, 11, 2, 15, 0, 0);
/** New York midnight of that day (EST): where the daily bar starts. */
const NEW_YORK_MIDNIGHT_US = Date.UTC(2026, 11, 2, 5, 0, 0) * 1000;
export const CONTRACT_SYMBOLS: readonly string[] = ['AAPL', 'MSFT', 'BTC/USD'];

export interface ContractSetup {
  /** The virtual clock's start: both venues run on a ManualClock from here. */
  readonly startMs: number;
  /** The venue's (scripted) market: no generated data, only what the case sets. */
  readonly symbols: readonly string[];
}

/** The venue's market as a test drives it (HTTP admin endpoints or the in-process market). */
export interface ScriptedMarket {
  quote(symbol: string, bidPrice: number, askPrice: number, bidSize: number, askSize: number): Promise<void>;
  trade(symbol: string, price: number, size: number, takerSide?: 'buy' | 'sell'): Promise<void>;
  halt(symbol: string): Promise<void>;
  resume(symbol: string): Promise<void>;
  luld(symbol: string, limitUp: number, limitDown: number, indicator: string): Promise<void>;
}

export interface MarketDataUnderTest {
  readonly market: ScriptedMarket;
  /**
   * A feed, not started, subscribed to `subscription`, delivering to `listener`. A subscription
   * of crypto pairs only is one to the crypto feed (Alpaca streams stocks and crypto apart).
   */
  openFeed(subscription: FeedSubscription, listener: MarketDataListener): MarketDataFeed;
  readonly history: MarketDataHistory;
  /** Moves the virtual clock (and the market: minutes close, bars go out) to this instant. */
  advanceTo(epochMs: number): void;
  /** Waits for delivery until `check` holds; fails after a bound. */
  eventually(what: string, check: () => boolean): Promise<void>;
  /** Lets anything still in flight arrive (to show that nothing more does). */
  quiesce(): Promise<void>;
  close(): Promise<void>;
}

/** Every stock channel for `symbols`, as Alpaca's subscribe action names them. */
export function everyStockChannel(symbols: readonly string[]): FeedSubscription {
  return {
    trades: symbols,
    quotes: symbols,
    bars: symbols,
    updatedBars: symbols,
    dailyBars: symbols,
    statuses: symbols,
    lulds: symbols,
  };
}

interface Received {
  readonly message: MarketDataMessage;
  readonly receivedUs: number;
}

class Recorder implements MarketDataListener {
  readonly received: Received[] = [];
  readonly states: { state: ConnectionState; previous: ConnectionState }[] = [];
  readonly gaps: FeedGap[] = [];

  onData(messages: readonly MarketDataMessage[], receivedUs: number): void {
    // The array is the feed's to reuse; the messages are ours to keep.
    for (const message of messages) this.received.push({ message, receivedUs });
  }

  onStateChange(state: ConnectionState, previous: ConnectionState): void {
    this.states.push({ state, previous });
  }

  onResumed(gap: FeedGap): void {
    this.gaps.push(gap);
  }

  messages(): MarketDataMessage[] {
    return this.received.map((entry) => entry.message);
  }

  ofType<T extends MarketDataMessage['type']>(type: T): Extract<MarketDataMessage, { type: T }>[] {
    return this.messages().filter(
      (message): message is Extract<MarketDataMessage, { type: T }> => message.type === type,
    );
  }
}

const START = CONTRACT_START_MS;
const us = (ms: number): number => ms * 1000;

export function marketDataContract(
  name: string,
  open: (setup: ContractSetup) => Promise<MarketDataUnderTest>,
): void {
  describe(`Market-data contract: ${name}`, () => {
    let subject: MarketDataUnderTest;
    let recorder: Recorder;
    let feed: MarketDataFeed;

    /** Opens and starts a feed of every AAPL channel, and waits until it is ready. */
    async function started(subscription = everyStockChannel(['AAPL'])): Promise<void> {
      feed = subject.openFeed(subscription, recorder);
      expect(feed.state).toBe('idle');
      feed.start();
      await subject.eventually('the feed ready', () => feed.state === 'ready');
    }

    beforeEach(async () => {
      subject = await open({ startMs: START, symbols: CONTRACT_SYMBOLS });
      recorder = new Recorder();
    });

    afterEach(async () => {
      await feed?.stop();
      await subject.close();
    });

    it('is idle until started, ready once started, stopped once stopped, and then delivers nothing', async () => {
      await started();
      expect(recorder.states.at(-1)).toStrictEqual({ state: 'ready', previous: expect.any(String) });
      expect(recorder.states.some(({ state }) => state === 'stopped' || state === 'fatal')).toBe(false);

      subject.advanceTo(START + 1_000);
      await subject.market.quote('AAPL', 100, 100.02, 1, 1);
      await subject.eventually('the quote', () => recorder.ofType('quote').length === 1);

      await feed.stop();
      expect(feed.state).toBe('stopped');
      expect(recorder.states.at(-1)).toStrictEqual({ state: 'stopped', previous: 'ready' });
      const before = recorder.received.length;
      await subject.market.quote('AAPL', 101, 101.02, 1, 1);
      await subject.market.trade('AAPL', 101.01, 100);
      await subject.market.halt('AAPL');
      subject.advanceTo(START + 61_000);
      await subject.quiesce();
      expect(recorder.received.length).toBe(before);
      expect(recorder.gaps).toStrictEqual([]);
    });

    it('delivers a quote with its exact prices, sizes and time, received when the venue sent it', async () => {
      await started();
      subject.advanceTo(START + 1_000);
      await subject.market.quote('AAPL', 189.98, 190.02, 3, 7);
      await subject.eventually('the quote', () => recorder.ofType('quote').length === 1);
      expect(recorder.received).toStrictEqual([
        {
          message: {
            type: 'quote',
            symbol: 'AAPL',
            bidPrice: 189.98,
            bidSize: 3,
            askPrice: 190.02,
            askSize: 7,
            timestampUs: us(START + 1_000),
          },
          receivedUs: us(START + 1_000),
        },
      ]);
    });

    it('delivers trades with price, size, time and increasing ids; a stock trade has no taker side', async () => {
      await started();
      subject.advanceTo(START + 5_000);
      await subject.market.trade('AAPL', 100.01, 100);
      subject.advanceTo(START + 20_000);
      await subject.market.trade('AAPL', 100.05, 50);
      await subject.eventually('two trades', () => recorder.ofType('trade').length === 2);
      const [first, second] = recorder.ofType('trade');
      expect(first).toStrictEqual({
        type: 'trade',
        symbol: 'AAPL',
        id: expect.any(Number),
        price: 100.01,
        size: 100,
        timestampUs: us(START + 5_000),
        takerSide: 'unknown',
      });
      expect(second).toStrictEqual({
        type: 'trade',
        symbol: 'AAPL',
        id: first!.id + 1,
        price: 100.05,
        size: 50,
        timestampUs: us(START + 20_000),
        takerSide: 'unknown',
      });
      expect(recorder.received.map((entry) => entry.receivedUs)).toStrictEqual([
        us(START + 5_000),
        us(START + 20_000),
      ]);
    });

    it('closes the minute: the minute bar of its trades, the daily bar, then LULD bands around the price', async () => {
      await started();
      subject.advanceTo(START + 5_000);
      await subject.market.trade('AAPL', 100.01, 100);
      subject.advanceTo(START + 20_000);
      await subject.market.trade('AAPL', 100.05, 50);
      subject.advanceTo(START + 59_000);
      await subject.quiesce();
      expect(recorder.ofType('bar')).toStrictEqual([]);

      subject.advanceTo(START + 61_000);
      await subject.eventually('the bars and bands', () => recorder.ofType('luld').length === 1);
      const ohlcv = { open: 100.01, high: 100.05, low: 100.01, close: 100.05, volume: 150, tradeCount: 2 };
      expect(recorder.messages().slice(2)).toStrictEqual([
        { type: 'bar', symbol: 'AAPL', kind: 'minute', startUs: us(START), ...ohlcv, vwap: 100.023333 },
        {
          type: 'bar',
          symbol: 'AAPL',
          kind: 'daily',
          startUs: NEW_YORK_MIDNIGHT_US,
          ...ohlcv,
          vwap: 100.023333,
        },
        // The venue's automatic bands: ±5 % of the last price, once the first minute with trades is out.
        {
          type: 'luld',
          symbol: 'AAPL',
          limitUp: 105.05,
          limitDown: 95.05,
          indicator: 'B',
          timestampUs: us(START + 60_050),
        },
      ]);
      for (const { receivedUs } of recorder.received.slice(2)) {
        expect(receivedUs).toBeGreaterThanOrEqual(us(START + 60_050));
        expect(receivedUs).toBeLessThanOrEqual(us(START + 61_000));
      }
    });

    it('reports a halt and the resumption as trading statuses with the listing tape’s codes', async () => {
      await started();
      subject.advanceTo(START + 2_000);
      await subject.market.halt('AAPL');
      subject.advanceTo(START + 3_000);
      await subject.market.resume('AAPL');
      await subject.eventually('two statuses', () => recorder.ofType('status').length === 2);
      // AAPL lists on Nasdaq: UTP codes (H halted, T trading).
      expect(recorder.ofType('status')).toStrictEqual([
        {
          type: 'status',
          symbol: 'AAPL',
          statusCode: 'H',
          statusMessage: 'Trading Halt',
          reasonCode: 'T1',
          reasonMessage: 'Halt News Pending',
          timestampUs: us(START + 2_000),
        },
        {
          type: 'status',
          symbol: 'AAPL',
          statusCode: 'T',
          statusMessage: 'Trading Resumption',
          reasonCode: 'T',
          reasonMessage: 'Trading Resumption',
          timestampUs: us(START + 3_000),
        },
      ]);
    });

    it('delivers LULD bands as the venue set them', async () => {
      await started();
      subject.advanceTo(START + 4_000);
      await subject.market.luld('AAPL', 110.5, 90.25, 'A');
      await subject.eventually('the bands', () => recorder.ofType('luld').length === 1);
      expect(recorder.received).toStrictEqual([
        {
          message: {
            type: 'luld',
            symbol: 'AAPL',
            limitUp: 110.5,
            limitDown: 90.25,
            indicator: 'A',
            timestampUs: us(START + 4_000),
          },
          receivedUs: us(START + 4_000),
        },
      ]);
    });

    it('delivers only the subscribed symbols and channels, in the market’s order', async () => {
      await started({ quotes: ['AAPL'], trades: ['AAPL', 'MSFT'] });
      subject.advanceTo(START + 1_000);
      await subject.market.quote('MSFT', 420, 420.05, 2, 2);
      await subject.market.halt('AAPL');
      await subject.market.trade('MSFT', 420.01, 10);
      await subject.market.resume('AAPL');
      await subject.market.quote('AAPL', 190, 190.01, 5, 5);
      await subject.eventually('the AAPL quote', () => recorder.ofType('quote').length === 1);
      expect(recorder.messages().map((message) => `${message.type} ${message.symbol}`)).toStrictEqual([
        'trade MSFT',
        'quote AAPL',
      ]);
    });

    it('starts a crypto order book with the full book, then moves it with each quote; crypto trades carry the taker', async () => {
      await started({ quotes: ['BTC/USD'], trades: ['BTC/USD'], orderbooks: ['BTC/USD'] });
      await subject.eventually('the book snapshot', () => recorder.ofType('orderbook').length === 1);
      const [snapshot] = recorder.ofType('orderbook');
      expect(snapshot).toMatchObject({ symbol: 'BTC/USD', reset: true, timestampUs: us(START) });
      expect(snapshot!.bids).toHaveLength(10);
      expect(snapshot!.asks).toHaveLength(10);
      expect(snapshot!.bids[0]!.price).toBeLessThan(snapshot!.asks[0]!.price);
      const bidPrices = snapshot!.bids.map((level) => level.price);
      expect(bidPrices).toStrictEqual([...bidPrices].sort((a, b) => b - a));

      subject.advanceTo(START + 1_000);
      await subject.market.quote('BTC/USD', 65_000, 65_010, 0.5, 0.7);
      await subject.market.trade('BTC/USD', 65_010, 0.25, 'buy');
      await subject.market.trade('BTC/USD', 65_000, 0.125, 'sell');
      await subject.eventually(
        'the quote, the book and the trades',
        () => recorder.ofType('trade').length === 2,
      );
      const after = recorder.messages().slice(1);
      expect(after.map((message) => message.type)).toStrictEqual(['quote', 'orderbook', 'trade', 'trade']);
      expect(after[0]).toStrictEqual({
        type: 'quote',
        symbol: 'BTC/USD',
        bidPrice: 65_000,
        bidSize: 0.5,
        askPrice: 65_010,
        askSize: 0.7,
        timestampUs: us(START + 1_000),
      });
      expect(after[1]).toMatchObject({ symbol: 'BTC/USD', reset: false, timestampUs: us(START + 1_000) });
      const delta = after[1] as Extract<MarketDataMessage, { type: 'orderbook' }>;
      expect(delta.bids).toContainEqual({ price: 65_000, size: 0.5 });
      expect(delta.asks).toContainEqual({ price: 65_010, size: 0.7 });
      expect(
        after.slice(2).map((trade) => trade.type === 'trade' && [trade.price, trade.size, trade.takerSide]),
      ).toStrictEqual([
        [65_010, 0.25, 'buy'],
        [65_000, 0.125, 'sell'],
      ]);
    });

    it('serves the minute bars and trades it delivered live from its history, for gap backfill', async () => {
      await started();
      subject.advanceTo(START + 5_000);
      await subject.market.trade('AAPL', 100.01, 100);
      subject.advanceTo(START + 20_000);
      await subject.market.trade('AAPL', 100.05, 50);
      subject.advanceTo(START + 61_000);
      await subject.eventually('the minute bar', () => recorder.ofType('bar').length === 2);
      const live = recorder.ofType('bar').find((bar) => bar.kind === 'minute')!;
      const { type: _bar, ...bar } = live;
      const trades = recorder.ofType('trade').map(({ type: _trade, ...trade }) => trade);

      expect(await subject.history.fetchMinuteBars(['AAPL'], us(START), us(START + 60_000))).toStrictEqual({
        ok: true,
        items: [bar],
      });
      expect(
        await subject.history.fetchMinuteBars(['AAPL', 'MSFT'], us(START + 60_000), us(START + 120_000)),
      ).toStrictEqual({ ok: true, items: [] });
      expect(await subject.history.fetchTrades(['AAPL'], us(START), us(START + 60_000))).toStrictEqual({
        ok: true,
        items: trades,
      });
      expect(
        await subject.history.fetchTrades(['AAPL'], us(START + 10_000), us(START + 60_000)),
      ).toStrictEqual({
        ok: true,
        items: trades.slice(1),
      });
    });
  });
}
