import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../../engine/marketdata/bar-series.ts';
import { TradeBarBuilder } from '../../../engine/marketdata/trade-bar-builder.ts';
import type { Bar, Trade } from '../../../shared/domain/market-data.ts';

const MINUTE = 60_000_000;
const T0 = 29_916_666 * MINUTE; // a whole minute

const bar = (minute: number, close = 100, kind: Bar['kind'] = 'minute'): Bar => ({
  symbol: 'AAPL',
  kind,
  startUs: T0 + minute * MINUTE,
  open: 100,
  high: Math.max(100, close),
  low: Math.min(100, close),
  close,
  volume: 10,
  tradeCount: 2,
  vwap: 100,
});

const trade = (offsetUs: number, price: number, size = 1): Trade => ({
  symbol: 'AAPL',
  id: offsetUs,
  price,
  size,
  timestampUs: T0 + offsetUs,
  takerSide: 'unknown',
});

describe('Class: BarSeries', () => {
  it('appends, corrects, fills holes and drops duplicates', () => {
    const series = new BarSeries('AAPL');
    expect(series.accept(bar(0))).toBe('appended');
    expect(series.accept(bar(2))).toBe('appended');
    expect(series.missingMinutes(T0, T0 + 3 * MINUTE)).toStrictEqual([T0 + MINUTE]);
    expect(series.accept(bar(1))).toBe('inserted');
    expect(series.accept(bar(1))).toBe('duplicate');
    expect(series.accept(bar(2, 101, 'updated'))).toBe('corrected');
    expect(series.toArray().map((b) => [b.startUs - T0, b.close, b.kind])).toStrictEqual([
      [0, 100, 'minute'],
      [MINUTE, 100, 'minute'],
      [2 * MINUTE, 101, 'minute'],
    ]);
  });

  it('holds each minute once, in order, whatever order and repetition bars arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 90, max: 110 })), {
          maxLength: 80,
        }),
        (arrivals) => {
          const series = new BarSeries('AAPL');
          const last = new Map<number, number>();
          for (const [minute, close] of arrivals) {
            series.accept(bar(minute, close));
            last.set(minute, close);
          }
          const held = series.toArray();
          expect(held.map((b) => b.startUs)).toStrictEqual(
            [...last.keys()].sort((a, b) => a - b).map((m) => T0 + m * MINUTE),
          );
          for (const b of held) expect(b.close).toBe(last.get((b.startUs - T0) / MINUTE));
        },
      ),
    );
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const series = new BarSeries('AAPL', 3);
    for (let m = 0; m < 5; m++) series.accept(bar(m));
    expect(series.toArray().map((b) => (b.startUs - T0) / MINUTE)).toStrictEqual([2, 3, 4]);
  });
});

describe('Class: TradeBarBuilder', () => {
  it('builds OHLCV and VWAP per minute and closes a bar when a later minute trades', () => {
    const builder = new TradeBarBuilder();
    expect(builder.addTrade(trade(1_000, 100, 2))).toStrictEqual([]);
    expect(builder.addTrade(trade(2_000, 103, 1))).toStrictEqual([]);
    expect(builder.addTrade(trade(3_000, 99, 1))).toStrictEqual([]);
    const [closed] = builder.addTrade(trade(MINUTE + 5, 101, 1));
    expect(closed).toStrictEqual({
      symbol: 'AAPL',
      kind: 'minute',
      startUs: T0,
      open: 100,
      high: 103,
      low: 99,
      close: 99,
      volume: 4,
      tradeCount: 3,
      vwap: 100.5,
    });
  });

  it('closes bars on the clock and turns a late trade into an updated bar', () => {
    const builder = new TradeBarBuilder();
    builder.addTrade(trade(1_000, 100));
    expect(builder.closeBefore(T0 + MINUTE - 1)).toStrictEqual([]);
    const [closed] = builder.closeBefore(T0 + MINUTE);
    expect(closed).toMatchObject({ startUs: T0, close: 100, volume: 1 });
    const [updated] = builder.addTrade(trade(59_000_000, 104, 3));
    expect(updated).toMatchObject({
      kind: 'updated',
      startUs: T0,
      high: 104,
      close: 100,
      volume: 4,
      tradeCount: 2,
    });
    builder.addTrade(trade(2 * MINUTE, 100));
    expect(builder.addTrade(trade(MINUTE + 10, 100))).toStrictEqual([]); // a minute that never opened
    expect(builder.droppedLateTrades).toBe(1);
  });
});
