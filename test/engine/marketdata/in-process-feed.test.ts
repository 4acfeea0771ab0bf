/**
 * The engine's own market-data path (MarketDataService for books, freshness and bars,
 * MarketDataDispatch to risk and the strategies, a StrategyHost with real strategies) fed by the
 * in-process venue's feed: no socket, no JSON, the venue's market moving on a virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { MarketDataService } from '../../../engine/marketdata/market-data-service.ts';
import { RiskManager } from '../../../engine/risk/risk-manager.ts';
import { MarketDataDispatch } from '../../../engine/strategy/market-data-dispatch.ts';
import { StrategyHost } from '../../../engine/strategy/strategy-host.ts';
import { parseFixed, ZERO } from '../../../shared/domain/fixed.ts';
import type { Bar, Quote } from '../../../shared/domain/market-data.ts';
import type { OrderIntent } from '../../../shared/domain/order.ts';
import { MidPriceMomentum } from '../../../shared/strategies/mid-price-momentum.ts';
import type { Strategy, StrategyContext } from '../../../shared/strategies/strategy.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { FeedMetrics, MessageKindIndex } from '../../../shared/venue/feed-metrics.ts';
import { createInProcessVenue } from '../../../sim/in-process-venue.ts';
import { account, intent, riskLimits } from '../risk/risk-fixtures.ts';

const START_MS = Date.UTC(2026, 11, 2, 15, 0, 0);
const SYMBOLS = ['AAPL', 'MSFT'];

/** Sees what the host routes to a strategy: the quotes and the accepted minute bars. */
class Watcher implements Strategy {
  readonly id = 'watcher';
  readonly symbols = SYMBOLS;
  readonly quotes: Quote[] = [];
  readonly bars: Bar[] = [];
  onQuote(quote: Quote): void {
    this.quotes.push(quote);
  }
  onBar(bar: Bar): void {
    this.bars.push(bar);
  }
}

function engineOn(market: 'scripted' | 'generated', strategies: (watcher: Watcher) => Strategy[]) {
  const clock = new ManualClock(START_MS);
  const venue = createInProcessVenue({ clock, symbols: SYMBOLS, market });
  const risk = new RiskManager({ limits: riskLimits(), clock });
  risk.reconcile(account());
  const intents: OrderIntent[] = [];
  const context: StrategyContext = {
    exposureQty: () => ZERO,
    submit: (made) => intents.push(made),
    nowMs: () => clock.nowMs(),
  };
  const watcher = new Watcher();
  const host = new StrategyHost(strategies(watcher), context, ({ error }) => {
    throw error;
  });
  const metrics = new FeedMetrics();
  const service = new MarketDataService({
    clock,
    metrics,
    symbols: SYMBOLS,
    staleAfterMs: 60_000,
    feedBarSymbols: SYMBOLS,
    history: venue.history,
    onBar: (bar) => host.onBar(bar),
  });
  const feed = venue.openFeed({
    subscription: {
      quotes: SYMBOLS,
      trades: SYMBOLS,
      bars: SYMBOLS,
      updatedBars: SYMBOLS,
      dailyBars: SYMBOLS,
      statuses: SYMBOLS,
      lulds: SYMBOLS,
    },
    listener: new MarketDataDispatch(service, risk, host, SYMBOLS),
    metrics,
  });
  feed.start();
  return { clock, venue, risk, service, watcher, intents, metrics, feed };
}

describe('The engine’s market-data path over the in-process feed', () => {
  it('keeps the top of book, freshness, bars and risk’s view of halts and bands as the venue’s market moves', async () => {
    const { clock, venue, risk, service, watcher, feed } = engineOn('scripted', (watcher) => [watcher]);
    const market = venue.market;
    expect(feed.state).toBe('ready');
    expect(service.freshness('AAPL', clock.nowUs())).not.toBe('fresh');

    venue.advanceTo(START_MS + 1_000);
    market.setQuote('AAPL', { bidPrice: 189.98, askPrice: 190.02, bidSize: 3, askSize: 7 });
    expect(service.topOfBook('AAPL')).toMatchObject({
      bidPrice: 189.98,
      askPrice: 190.02,
      bidSize: 3,
      askSize: 7,
      timestampUs: (START_MS + 1_000) * 1000,
    });
    expect(service.freshness('AAPL', clock.nowUs())).toBe('fresh');
    expect(watcher.quotes.map((quote) => [quote.symbol, quote.bidPrice, quote.askPrice])).toStrictEqual([
      ['AAPL', 189.98, 190.02],
    ]);
    const buy = { limitPrice: parseFixed('190.02'), referencePrice: parseFixed('190') };
    expect(risk.check(intent(buy)).ok).toBe(true);

    // A minute of trades closes into the bar the strategies get, and the daily bar the service keeps.
    venue.advanceTo(START_MS + 5_000);
    market.printTrade('AAPL', { price: 190, size: 100 });
    venue.advanceTo(START_MS + 20_000);
    market.printTrade('AAPL', { price: 190.1, size: 300 });
    venue.advanceTo(START_MS + 61_000);
    const minute = {
      symbol: 'AAPL',
      kind: 'minute',
      startUs: START_MS * 1000,
      open: 190,
      high: 190.1,
      low: 190,
      close: 190.1,
      volume: 400,
      tradeCount: 2,
    };
    expect(service.bars('AAPL')?.latest).toMatchObject(minute);
    expect(watcher.bars).toStrictEqual([expect.objectContaining(minute)]);
    expect(service.dailyBar('AAPL')).toMatchObject({ kind: 'daily', volume: 400, close: 190.1 });

    // Risk hears the venue's halt, resumption and bands through the dispatch.
    market.halt('AAPL');
    market.setQuote('AAPL', { bidPrice: 190, askPrice: 190.02 });
    const halted = risk.check(intent(buy));
    expect(halted).toMatchObject({ ok: false, message: 'AAPL is halted (status H)' });
    market.resume('AAPL');
    expect(risk.check(intent(buy)).ok).toBe(true);
    market.setLuld('AAPL', { limitUp: 190.01, limitDown: 180 });
    expect(risk.check(intent(buy))).toMatchObject({
      ok: false,
      message: expect.stringContaining('outside the limit-up/limit-down band'),
    });

    await feed.stop();
    market.setQuote('AAPL', { bidPrice: 150, askPrice: 150.02 });
    expect(service.topOfBook('AAPL')?.bidPrice).toBe(190);
    venue.close();
  });

  it('backfills a gap from the in-process history: the missed minutes, in order, as the venue recorded them', async () => {
    const clock = new ManualClock(START_MS);
    const venue = createInProcessVenue({ clock, symbols: SYMBOLS, market: 'generated' });
    const metrics = new FeedMetrics();
    const accepted: Bar[] = [];
    const service = new MarketDataService({
      clock,
      metrics,
      symbols: SYMBOLS,
      staleAfterMs: 60_000,
      feedBarSymbols: SYMBOLS,
      history: venue.history,
      onBar: (bar) => accepted.push(bar),
    });
    // The engine's side of a lost connection, played by hand: the in-process feed never loses one.
    let down = false;
    const feed = venue.openFeed({
      subscription: { quotes: SYMBOLS, bars: SYMBOLS },
      listener: { onData: (messages, receivedUs) => down || service.onData(messages, receivedUs) },
    });
    feed.start();
    venue.advanceTo(START_MS + 61_000);
    down = true;
    service.onStateChange('reconnecting', 'ready');
    const lostUs = clock.nowUs();
    venue.advanceTo(START_MS + 241_000); // minutes 1, 2 and 3 close unheard
    down = false;
    service.onResumed({ startUs: lostUs, endUs: clock.nowUs() });
    venue.advanceTo(START_MS + 301_000); // minute 4 arrives live while the backfill runs
    await service.settled();
    for (const symbol of SYMBOLS) {
      const bars = accepted.filter((bar) => bar.symbol === symbol);
      const starts = bars.map((bar) => bar.startUs);
      expect(starts).toStrictEqual([...starts].sort((a, b) => a - b));
      expect(new Set(starts)).toStrictEqual(
        new Set([0, 1, 2, 3, 4].map((i) => (START_MS + i * 60_000) * 1000)),
      );
      expect(service.bars(symbol)?.latest?.startUs).toBe((START_MS + 240_000) * 1000);
      // The backfilled minutes are the venue's record of them.
      const recorded = venue.market.history.bars(symbol)!.minute;
      for (const bar of bars.filter(
        (b) => b.startUs > START_MS * 1000 && b.startUs < (START_MS + 240_000) * 1000,
      ))
        expect(recorded.find((r) => r.startUs === bar.startUs)).toMatchObject({
          open: bar.open,
          high: bar.high,
          low: bar.low,
          close: bar.close,
          volume: bar.volume,
        });
    }
    expect(metrics.backfilledBars).toBe(6);
    expect(metrics.backfillFailures).toBe(0);
    venue.close();
  });

  it('runs a real strategy on the generated market: quotes become intents, every minute a bar, no gap to backfill', async () => {
    const momentum = new MidPriceMomentum({
      id: 'momentum',
      symbols: SYMBOLS,
      period: 8,
      threshold: 0.00001,
      entryQty: parseFixed('5'),
    });
    const { venue, service, watcher, intents, metrics } = engineOn('generated', (watcher) => [
      watcher,
      momentum,
    ]);
    for (let ms = START_MS; ms <= START_MS + 185_000; ms += 500) venue.advanceTo(ms);
    expect(watcher.quotes.length).toBe(metrics.messages[MessageKindIndex.quote]);
    expect(intents.length).toBeGreaterThan(0);
    expect(new Set(intents.map((made) => made.symbol))).toStrictEqual(new Set(SYMBOLS));
    for (const symbol of SYMBOLS) {
      // A minute corrected by a late trade (an updated bar) reaches the strategies again.
      const minutes = new Set(watcher.bars.filter((bar) => bar.symbol === symbol).map((bar) => bar.startUs));
      expect([...minutes]).toStrictEqual([0, 1, 2].map((i) => (START_MS + i * 60_000) * 1000));
      expect(service.bars(symbol)?.latest?.startUs).toBe((START_MS + 120_000) * 1000);
    }
    await service.settled();
    expect(metrics.backfilledBars).toBe(0);
    venue.close();
  });
});
