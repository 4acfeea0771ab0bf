import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookLevel } from '../../../shared/domain/market-data.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { createMarket, type SimMarket } from '../../../sim/market/market.ts';
import type { SimBar, SimQuote, SimTrade } from '../../../sim/market/market-events.ts';
import { SESSION_START_MS, simContext } from './market-fixture.ts';

interface Recording {
  events: string[];
  quotes: SimQuote[];
  trades: SimTrade[];
  bars: SimBar[];
}

function record(market: SimMarket): Recording {
  const recording: Recording = { events: [], quotes: [], trades: [], bars: [] };
  market.onQuote((quote) => {
    recording.quotes.push(quote);
    recording.events.push(JSON.stringify(['q', quote]));
  });
  market.onTrade((trade) => {
    recording.trades.push(trade);
    recording.events.push(JSON.stringify(['t', trade]));
  });
  market.onBar((bar) => {
    recording.bars.push(bar);
    recording.events.push(JSON.stringify(['b', bar]));
  });
  market.onStatus((status) => recording.events.push(JSON.stringify(['s', status])));
  market.onLuld((luld) => recording.events.push(JSON.stringify(['l', luld])));
  market.onOrderBook((book) => recording.events.push(JSON.stringify(['o', book])));
  return recording;
}

describe('Module: simulated market', () => {
  it('emits identical events for the same seed and different ones for another seed', () => {
    const run = (seed: number): string[] => {
      const market = createMarket(simContext({ seed }));
      const recording = record(market);
      market.advanceTo(SESSION_START_MS + 65_000);
      return recording.events;
    };
    const first = run(7);
    expect(first.length).toBeGreaterThan(100_000);
    expect(run(7)).toStrictEqual(first);
    expect(run(8).slice(0, 50)).not.toStrictEqual(first.slice(0, 50));
  });

  it('emits the same events whether advanced in one step or in many', () => {
    const whole = createMarket(simContext());
    const wholeEvents = record(whole).events;
    whole.advanceTo(SESSION_START_MS + 61_000);
    const stepped = createMarket(simContext());
    const steppedEvents = record(stepped).events;
    for (let ms = SESSION_START_MS; ms <= SESSION_START_MS + 61_000; ms += 37) stepped.advanceTo(ms);
    stepped.advanceTo(SESSION_START_MS + 61_000);
    expect(steppedEvents).toStrictEqual(wholeEvents);
  });

  it('generates about messagesPerSecond messages, with increasing timestamps', () => {
    const market = createMarket(simContext({ symbols: ['AAPL', 'SPY'], messagesPerSecond: 10_000 }));
    const recording = record(market);
    market.advanceTo(SESSION_START_MS + 2_000);
    expect(recording.quotes.length + recording.trades.length).toBe(20_000);
    const stamps = recording.quotes.map((quote) => quote.timestampUs * 1000 + quote.nanos);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1]!);
    expect(new Set(recording.quotes.map((quote) => quote.nanos)).size).toBeGreaterThan(100);
  });

  it('prints trades at or inside the prevailing spread, bids below asks on a penny grid', () => {
    const market = createMarket(simContext({ symbols: ['AAPL'] }));
    let touch: SimQuote | undefined = market.latestQuote('AAPL');
    let trades = 0;
    market.onQuote((quote) => {
      expect(quote.askPrice).toBeGreaterThan(quote.bidPrice);
      expect(Math.round(quote.bidPrice * 100) / 100).toBe(quote.bidPrice);
      expect(Number.isInteger(quote.bidSize) && quote.bidSize >= 1).toBe(true);
      touch = quote;
    });
    market.onTrade((trade) => {
      trades++;
      expect(trade.price).toBeGreaterThanOrEqual(touch!.bidPrice);
      expect(trade.price).toBeLessThanOrEqual(touch!.askPrice);
      expect(Number.isInteger(trade.size)).toBe(true);
    });
    market.advanceTo(SESSION_START_MS + 30_000);
    expect(trades).toBeGreaterThan(1_000);
  });

  it('aggregates each minute bar from exactly the trades stamped in that minute', () => {
    const market = createMarket(simContext({ symbols: ['AAPL', 'BTC/USD'], messagesPerSecond: 1_000 }));
    const recording = record(market);
    market.advanceTo(SESSION_START_MS + 5 * 60_000 + 1_000);
    const minuteBars = recording.bars.filter((bar) => bar.kind === 'minute');
    expect(minuteBars.length).toBe(10);
    for (const bar of minuteBars) {
      const inMinute = recording.trades.filter(
        (trade) =>
          trade.symbol === bar.symbol &&
          trade.timestampUs >= bar.startUs &&
          trade.timestampUs < bar.startUs + 60_000_000 &&
          !trade.conditions.includes('Z'),
      );
      expect(bar.startUs % 60_000_000).toBe(0);
      expect(bar.tradeCount).toBe(inMinute.length);
      expect(bar.open).toBe(inMinute[0]!.price);
      expect(bar.close).toBe(inMinute.at(-1)!.price);
      expect(bar.high).toBe(Math.max(...inMinute.map((trade) => trade.price)));
      expect(bar.low).toBe(Math.min(...inMinute.map((trade) => trade.price)));
      const volume = inMinute.reduce((sum, trade) => sum + trade.size, 0);
      expect(bar.volume).toBeCloseTo(volume, 4);
    }
    const daily = recording.bars.filter((bar) => bar.kind === 'daily' && bar.symbol === 'AAPL');
    expect(daily.length).toBe(5);
    expect(daily.every((bar) => bar.startUs === daily[0]!.startUs)).toBe(true);
    expect(new Date(daily[0]!.startUs / 1000).toISOString()).toBe('2026-11-24T05:00:00.000Z');
    expect(market.history.bars('AAPL')!.minute.map((bar) => bar.startUs)).toStrictEqual(
      minuteBars.filter((bar) => bar.symbol === 'AAPL').map((bar) => bar.startUs),
    );
  });

  it('sends an updated bar after the :30 mark when a late trade lands in a closed minute', () => {
    const market = createMarket(simContext({ symbols: ['AAPL'], messagesPerSecond: 2_000 }));
    let late = 0;
    market.onTrade((trade) => {
      if (trade.conditions.includes('Z')) late++;
    });
    const bars: SimBar[] = [];
    market.onBar((bar) => bars.push(bar));
    market.advanceTo(SESSION_START_MS + 3 * 60_000);
    const updated = bars.filter((bar) => bar.kind === 'updated');
    expect(late).toBeGreaterThan(0);
    expect(updated.length).toBeGreaterThan(0);
    for (const bar of updated) {
      const original = bars.find((b) => b.kind === 'minute' && b.startUs === bar.startUs)!;
      expect(bar.tradeCount).toBeGreaterThan(original.tradeCount);
      expect(bar.volume).toBeGreaterThan(original.volume);
    }
  });

  it('keeps a crypto book whose snapshot plus deltas equals the next snapshot, touch = quote', () => {
    const market = createMarket(simContext({ symbols: ['BTC/USD'] }));
    const apply = (side: Map<number, number>, levels: readonly BookLevel[]): void => {
      for (const level of levels) {
        if (level.size === 0) side.delete(level.price);
        else side.set(level.price, level.size);
      }
    };
    const snapshot = market.orderBookSnapshot('BTC/USD')!;
    expect(snapshot.reset).toBe(true);
    const bids = new Map(snapshot.bids.map((level) => [level.price, level.size]));
    const asks = new Map(snapshot.asks.map((level) => [level.price, level.size]));
    let deltas = 0;
    market.onOrderBook((delta) => {
      deltas++;
      expect(delta.reset).toBe(false);
      apply(bids, delta.bids);
      apply(asks, delta.asks);
    });
    market.advanceTo(SESSION_START_MS + 3_000);
    expect(deltas).toBeGreaterThan(100);
    const after = market.orderBookSnapshot('BTC/USD')!;
    expect([...bids.entries()].sort((a, b) => b[0] - a[0])).toStrictEqual(
      after.bids.map((level) => [level.price, level.size]),
    );
    expect([...asks.entries()].sort((a, b) => a[0] - b[0])).toStrictEqual(
      after.asks.map((level) => [level.price, level.size]),
    );
    const quote = market.latestQuote('BTC/USD')!;
    expect(after.bids[0]).toStrictEqual({ price: quote.bidPrice, size: quote.bidSize });
    expect(after.asks[0]).toStrictEqual({ price: quote.askPrice, size: quote.askSize });
  });

  it('halts and resumes a stock with trading status messages and no data in between', () => {
    const market = createMarket(simContext({ symbols: ['AAPL'] }));
    const statuses: string[] = [];
    market.onStatus((status) => statuses.push(`${status.statusCode}:${status.statusMessage}`));
    expect(market.halt('AAPL')).toStrictEqual({ ok: true });
    let during = 0;
    const stopCounting = market.onQuote(() => during++);
    market.advanceTo(SESSION_START_MS + 1_000);
    expect(during).toBe(0);
    stopCounting();
    expect(market.resume('AAPL')).toStrictEqual({ ok: true });
    let after = 0;
    market.onQuote(() => after++);
    market.advanceTo(SESSION_START_MS + 2_000);
    expect(after).toBeGreaterThan(0);
    expect(statuses).toHaveLength(2);
    expect(market.halt('NOPE').ok).toBe(false);
    expect(market.halt('BTC/USD').ok).toBe(false);
  });

  it('publishes an explicit quote and holds it while asked to', () => {
    const market = createMarket(simContext({ symbols: ['AAPL'] }));
    const result = market.setQuote(
      'AAPL',
      { bidPrice: 100, askPrice: 100.02, bidSize: 3, askSize: 4 },
      { hold: true },
    );
    expect(result).toStrictEqual({ ok: true });
    market.advanceTo(SESSION_START_MS + 1_000);
    expect(market.latestQuote('AAPL')).toMatchObject({
      bidPrice: 100,
      askPrice: 100.02,
      bidSize: 3,
      askSize: 4,
    });
    market.releaseQuote('AAPL');
    market.advanceTo(SESSION_START_MS + 2_000);
    const moved = market.latestQuote('AAPL')!;
    expect(moved.timestampUs).toBeGreaterThan(SESSION_START_MS * 1000);
    expect(Math.abs(moved.bidPrice - 100)).toBeLessThan(1);
    expect(market.setQuote('AAPL', { bidPrice: 10, askPrice: 9 }).ok).toBe(false);
  });

  it('prints explicit trades into a scripted market and closes their minute with bars and LULD bands', () => {
    const clock = new ManualClock(SESSION_START_MS);
    const market = createMarket(simContext({ clock, symbols: ['AAPL', 'BTC/USD'] }), { generate: false });
    const recording = record(market);
    clock.setMs(SESSION_START_MS + 5_000);
    expect(market.printTrade('AAPL', { price: 100.01, size: 100 })).toStrictEqual({ ok: true });
    clock.setMs(SESSION_START_MS + 20_000);
    expect(market.printTrade('AAPL', { price: 100.05, size: 50, takerSide: 'sell' })).toStrictEqual({
      ok: true,
    });
    expect(
      recording.trades.map(({ price, size, timestampUs, conditions }) => [
        price,
        size,
        timestampUs,
        conditions,
      ]),
    ).toStrictEqual([
      [100.01, 100, (SESSION_START_MS + 5_000) * 1000, ['@']],
      [100.05, 50, (SESSION_START_MS + 20_000) * 1000, ['@', 'I']],
    ]);
    expect(recording.trades[1]!.id).toBe(recording.trades[0]!.id + 1);
    market.advanceTo(SESSION_START_MS + 61_000);
    expect(
      recording.bars.map(({ kind, startUs, open, high, low, close, volume, tradeCount, vwap }) => ({
        kind,
        startUs,
        ohlc: [open, high, low, close],
        volume,
        tradeCount,
        vwap,
      })),
    ).toStrictEqual([
      {
        kind: 'minute',
        startUs: SESSION_START_MS * 1000,
        ohlc: [100.01, 100.05, 100.01, 100.05],
        volume: 150,
        tradeCount: 2,
        vwap: 100.023333,
      },
      {
        kind: 'daily',
        startUs: Date.UTC(2026, 10, 24, 5, 0, 0) * 1000,
        ohlc: [100.01, 100.05, 100.01, 100.05],
        volume: 150,
        tradeCount: 2,
        vwap: 100.023333,
      },
    ]);
    expect(recording.events.at(-1)).toContain('"limitUp":105.05');
    expect(market.printTrade('NOPE', { price: 1, size: 1 }).ok).toBe(false);
    expect(market.printTrade('AAPL', { price: 0, size: 1 }).ok).toBe(false);
  });

  it('emits LULD bands around the price, and explicit bands on request', () => {
    const market = createMarket(simContext({ symbols: ['AAPL'] }));
    const bands: { up: number; down: number }[] = [];
    market.onLuld((luld) => bands.push({ up: luld.limitUp, down: luld.limitDown }));
    market.advanceTo(SESSION_START_MS + 61_000);
    expect(bands).toHaveLength(1);
    const price = market.latestTrade('AAPL')!.price;
    expect(bands[0]!.up).toBeGreaterThan(price * 1.04);
    expect(bands[0]!.down).toBeLessThan(price * 0.96);
    expect(market.setLuld('AAPL', { limitUp: 200, limitDown: 180 })).toStrictEqual({ ok: true });
    expect(bands[1]).toStrictEqual({ up: 200, down: 180 });
    expect(market.setLuld('AAPL', { limitUp: 1, limitDown: 2 }).ok).toBe(false);
  });

  it('sends no stock data outside NYSE hours in nyse mode, but keeps crypto going', () => {
    const saturday = Date.UTC(2026, 10, 28, 15, 0, 0);
    const market = createMarket(
      simContext({
        sessionHours: 'nyse',
        clock: new (class {
          nowMs = (): number => saturday;
          nowUs = (): number => saturday * 1000;
        })(),
      }),
    );
    const symbols = new Set<string>();
    market.onQuote((quote) => symbols.add(quote.symbol));
    market.advanceTo(saturday + 2_000);
    expect([...symbols]).toStrictEqual(['BTC/USD']);
  });

  it('serves trade and quote history with paging that neither repeats nor skips', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        (limit, sort) => {
          const market = createMarket(simContext({ symbols: ['AAPL'], messagesPerSecond: 1_000 }));
          market.advanceTo(SESSION_START_MS + 3_000);
          const history = market.history.quotes('AAPL')!;
          const startUs = SESSION_START_MS * 1000 + 500_000;
          const endUs = SESSION_START_MS * 1000 + 2_500_000;
          const seen: number[] = [];
          let afterSeq: number | undefined;
          for (;;) {
            const page = history.query({ startUs, endUs, sort, limit, afterSeq });
            seen.push(...page.items.map((entry) => entry.item.timestampUs));
            if (!page.more) break;
            afterSeq = page.items.at(-1)!.seq;
          }
          const all = history
            .query({ startUs, endUs, sort, limit: 1_000_000 })
            .items.map((e) => e.item.timestampUs);
          expect(seen).toStrictEqual(all);
          expect(all.length).toBeGreaterThan(1_000);
          expect(all.every((us) => us >= startUs && us <= endUs)).toBe(true);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('Module: tick history', () => {
  it('keeps only the newest `capacity` items once full, in order', () => {
    const market = createMarket(simContext({ symbols: ['AAPL'], messagesPerSecond: 1_000 }), {
      historyCapacity: 1_500,
    });
    const quotes: number[] = [];
    market.onQuote((quote) => quotes.push(quote.timestampUs));
    market.advanceTo(SESSION_START_MS + 5_000);
    const history = market.history.quotes('AAPL')!;
    expect(history.count).toBe(quotes.length);
    expect(history.oldestSeq).toBe(quotes.length - 1_500);
    expect(history.at(history.oldestSeq - 1)).toBeUndefined();
    const kept = history.query({ startUs: 0, endUs: Number.MAX_SAFE_INTEGER, sort: 'asc', limit: 10_000 });
    expect(kept.items.map((entry) => entry.item.timestampUs)).toStrictEqual(quotes.slice(-1_500));
  });
});
