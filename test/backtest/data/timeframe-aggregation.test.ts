/**
 * Minute bars to 5Min, 1Hour and 1Day as Alpaca aggregates them, checked by hand: buckets on clock
 * boundaries, days at New York midnight, half days, and the two daylight-saving switches.
 */
import { describe, expect, it } from 'vitest';
import { BarColumnsBuilder } from '../../../backtest/data/bar-columns.ts';
import type { Timeframe } from '../../../backtest/data/historical-bars.ts';
import { aggregateBars } from '../../../backtest/data/timeframe-aggregation.ts';

interface Minute {
  readonly at: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

function minute(at: string, open: number, high: number, low: number, close: number, volume: number): Minute {
  return { at, open, high, low, close, volume };
}

function aggregate(symbol: string, minutes: readonly Minute[], timeframe: Timeframe) {
  const builder = new BarColumnsBuilder();
  const index = builder.symbolIndex(symbol);
  for (const { at, open, high, low, close, volume } of minutes) {
    const problem = builder.append(index, Date.parse(at) * 1000, open, high, low, close, volume);
    if (problem !== undefined) throw new Error(problem);
  }
  const bars = aggregateBars(builder, timeframe).build({ timeframe });
  return Array.from({ length: bars.length }, (_, i) => ({
    start: new Date(bars.startUs[i]! / 1000).toISOString(),
    ohlcv: [bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]],
  }));
}

describe('Function: aggregateBars', () => {
  it('returns minute bars as they are for 1Min', () => {
    const builder = new BarColumnsBuilder();
    expect(aggregateBars(builder, '1Min')).toBe(builder);
  });

  it('makes 5Min buckets on clock boundaries: first open, highest high, lowest low, last close, summed volume', () => {
    const bars = aggregate(
      'AAPL',
      [
        minute('2024-03-08T14:30:00Z', 10, 11, 9.5, 10.5, 100),
        minute('2024-03-08T14:31:00Z', 10.5, 12, 10, 11, 50),
        minute('2024-03-08T14:34:00Z', 11, 11.5, 9, 9.25, 25),
        // Nothing at 14:35-14:39: that bucket does not exist.
        minute('2024-03-08T14:41:00Z', 9.25, 9.5, 9.2, 9.4, 5),
      ],
      '5Min',
    );

    expect(bars).toStrictEqual([
      { start: '2024-03-08T14:30:00.000Z', ohlcv: [10, 12, 9, 9.25, 175] },
      { start: '2024-03-08T14:40:00.000Z', ohlcv: [9.25, 9.5, 9.2, 9.4, 5] },
    ]);
  });

  it('makes 1Hour buckets on the hour, so the first hour of a session is 09:30-10:00 only', () => {
    const bars = aggregate(
      'AAPL',
      [
        minute('2024-03-08T14:30:00Z', 10, 10, 10, 10, 1),
        minute('2024-03-08T14:59:00Z', 10, 12, 10, 11, 1),
        minute('2024-03-08T15:00:00Z', 11, 11, 8, 9, 1),
        minute('2024-03-08T15:59:00Z', 9, 9, 9, 9, 1),
      ],
      '1Hour',
    );

    expect(bars).toStrictEqual([
      { start: '2024-03-08T14:00:00.000Z', ohlcv: [10, 12, 10, 11, 2] },
      { start: '2024-03-08T15:00:00.000Z', ohlcv: [11, 11, 8, 9, 2] },
    ]);
  });

  it('labels a day at New York midnight, before and after the March switch to daylight time', () => {
    const bars = aggregate(
      'AAPL',
      [
        // Friday 2024-03-08, EST (UTC-5): the session is 14:30-21:00 UTC.
        minute('2024-03-08T14:30:00Z', 10, 11, 9, 10.5, 1),
        minute('2024-03-08T20:59:00Z', 10.5, 13, 10, 12, 2),
        // Monday 2024-03-11, EDT (UTC-4): the session is 13:30-20:00 UTC.
        minute('2024-03-11T13:30:00Z', 12, 12, 11, 11.5, 3),
        minute('2024-03-11T19:59:00Z', 11.5, 14, 11.5, 13, 4),
      ],
      '1Day',
    );

    expect(bars).toStrictEqual([
      { start: '2024-03-08T05:00:00.000Z', ohlcv: [10, 13, 9, 12, 3] },
      { start: '2024-03-11T04:00:00.000Z', ohlcv: [12, 14, 11, 13, 7] },
    ]);
  });

  it('makes a half day (the Friday after Thanksgiving, closing at 13:00) one shorter daily bar', () => {
    const bars = aggregate(
      'SPY',
      [
        minute('2024-11-29T14:30:00Z', 500, 501, 499, 500.5, 10),
        minute('2024-11-29T17:59:00Z', 500.5, 503, 500, 502, 20),
        minute('2024-12-02T14:30:00Z', 502, 502, 498, 499, 30),
      ],
      '1Day',
    );

    expect(bars).toStrictEqual([
      { start: '2024-11-29T05:00:00.000Z', ohlcv: [500, 503, 499, 502, 30] },
      { start: '2024-12-02T05:00:00.000Z', ohlcv: [502, 502, 498, 499, 30] },
    ]);
  });

  it('cuts a crypto day at New York midnight, whichever side of UTC midnight that is', () => {
    const bars = aggregate(
      'BTC/USD',
      [
        // 23:59 New York (EDT) on 2024-11-02 is 03:59 UTC on 2024-11-03.
        minute('2024-11-03T03:59:00Z', 100, 101, 99, 100, 1),
        minute('2024-11-03T04:00:00Z', 100, 102, 100, 101, 1),
        // The 25-hour day of the November switch ends at 05:00 UTC, midnight EST.
        minute('2024-11-04T04:59:00Z', 101, 101, 95, 96, 1),
        minute('2024-11-04T05:00:00Z', 96, 97, 96, 97, 1),
      ],
      '1Day',
    );

    expect(bars).toStrictEqual([
      { start: '2024-11-02T04:00:00.000Z', ohlcv: [100, 101, 99, 100, 1] },
      { start: '2024-11-03T04:00:00.000Z', ohlcv: [100, 102, 95, 96, 2] },
      { start: '2024-11-04T05:00:00.000Z', ohlcv: [96, 97, 96, 97, 1] },
    ]);
  });

  it('keeps the repeated 01:00 hour of the November switch as two hourly bars', () => {
    const bars = aggregate(
      'BTC/USD',
      [
        // 01:30 EDT, then 01:30 EST an hour later.
        minute('2024-11-03T05:30:00Z', 100, 100, 100, 100, 1),
        minute('2024-11-03T06:30:00Z', 101, 101, 101, 101, 1),
      ],
      '1Hour',
    );

    expect(bars.map((bar) => bar.start)).toStrictEqual([
      '2024-11-03T05:00:00.000Z',
      '2024-11-03T06:00:00.000Z',
    ]);
  });
});
