import { describe, expect, it } from 'vitest';
import type { HistoricalBars } from '../../../backtest/data/historical-bars.ts';
import { shareBars } from '../../../backtest/sweep/shared-bars.ts';

function bars(): HistoricalBars {
  const column = (values: number[]) => Float64Array.from(values);
  return {
    symbols: ['AAPL', 'MSFT'],
    timeframe: '1Min',
    length: 3,
    symbol: Uint16Array.from([0, 1, 0]),
    startUs: column([1e15, 1e15, 1e15 + 6e7]),
    open: column([10, 20, 11]),
    high: column([12, 21, 12]),
    low: column([9, 19, 10]),
    close: column([11, 20.5, 11.5]),
    volume: column([100, 200, 300]),
  };
}

describe('shareBars', () => {
  it('moves every column into shared memory with the same values', () => {
    const original = bars();
    const shared = shareBars(original);

    expect(shared).toStrictEqual(original);
    const columns = [
      shared.symbol,
      shared.startUs,
      shared.open,
      shared.high,
      shared.low,
      shared.close,
      shared.volume,
    ];
    expect(columns.every((column) => column.buffer instanceof SharedArrayBuffer)).toBe(true);
  });

  it('copies only the view of a column that is part of a larger buffer', () => {
    const original = {
      ...bars(),
      close: new Float64Array(Float64Array.from([0, 11, 20.5, 11.5, 0]).buffer, 8, 3),
    };

    expect(Array.from(shareBars(original).close)).toStrictEqual([11, 20.5, 11.5]);
  });

  it('keeps columns that are shared already', () => {
    const once = shareBars(bars());

    expect(shareBars(once).close).toBe(once.close);
  });
});
