import { describe, expect, it } from 'vitest';
import { BarColumnsBuilder, barValueProblem } from '../../../backtest/data/bar-columns.ts';

const MINUTE_US = 60_000_000;
/** 2024-03-08 14:30 UTC, 09:30 in New York. */
const T0 = Date.UTC(2024, 2, 8, 14, 30) * 1000;

function append(
  builder: BarColumnsBuilder,
  symbol: string,
  minute: number,
  close: number,
): string | undefined {
  return builder.append(builder.symbolIndex(symbol), T0 + minute * MINUTE_US, close, close, close, close, 10);
}

describe('Class: BarColumnsBuilder', () => {
  it('merges symbols in time order, equal starts in the order of the symbols asked for', () => {
    const builder = new BarColumnsBuilder();
    append(builder, 'MSFT', 0, 1);
    append(builder, 'MSFT', 2, 2);
    append(builder, 'AAPL', 0, 3);
    append(builder, 'AAPL', 1, 4);
    append(builder, 'AAPL', 2, 5);

    const sorted = builder.build({ timeframe: '1Min' });
    const asked = builder.build({ timeframe: '1Min', symbols: ['MSFT', 'AAPL'] });

    expect(sorted.symbols).toStrictEqual(['AAPL', 'MSFT']);
    expect([...sorted.close]).toStrictEqual([3, 1, 4, 5, 2]);
    expect([...sorted.symbol]).toStrictEqual([0, 1, 0, 0, 1]);
    expect([...sorted.startUs].map((us) => (us - T0) / MINUTE_US)).toStrictEqual([0, 0, 1, 2, 2]);
    expect(asked.symbols).toStrictEqual(['MSFT', 'AAPL']);
    expect([...asked.close]).toStrictEqual([1, 3, 4, 2, 5]);
    expect([...asked.symbol]).toStrictEqual([0, 1, 1, 0, 1]);
  });

  it('keeps only the symbols and the range [from, to) asked for', () => {
    const builder = new BarColumnsBuilder();
    for (let minute = 0; minute < 5; minute++) {
      append(builder, 'AAPL', minute, 10 + minute);
      append(builder, 'SPY', minute, 20 + minute);
    }

    const bars = builder.build({
      timeframe: '1Min',
      symbols: ['SPY', 'QQQ'],
      fromUs: T0 + MINUTE_US,
      toUs: T0 + 3 * MINUTE_US,
    });

    expect(bars.length).toBe(2);
    expect([...bars.close]).toStrictEqual([21, 22]);
    expect([...bars.symbol]).toStrictEqual([0, 0]);
    expect(bars.symbols).toStrictEqual(['SPY', 'QQQ']);
  });

  it('puts every column of a shared build on one SharedArrayBuffer, with the same values', () => {
    const builder = new BarColumnsBuilder();
    for (let minute = 0; minute < 3; minute++) {
      append(builder, 'AAPL', minute, 10 + minute);
      append(builder, 'BTC/USD', minute, 60_000 + minute);
    }

    const shared = builder.build({ timeframe: '1Min', shared: true });
    const plain = builder.build({ timeframe: '1Min' });

    const buffer = shared.startUs.buffer;
    expect(buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const column of [shared.symbol, shared.open, shared.high, shared.low, shared.close, shared.volume])
      expect(column.buffer).toBe(buffer);
    expect([...shared.close]).toStrictEqual([...plain.close]);
    expect([...shared.symbol]).toStrictEqual([...plain.symbol]);
    expect([...shared.startUs]).toStrictEqual([...plain.startUs]);
  });

  it('refuses a duplicate and an out-of-order bar of a symbol, keeping the bars before them', () => {
    const builder = new BarColumnsBuilder();
    expect(append(builder, 'AAPL', 1, 10)).toBeUndefined();
    expect(append(builder, 'MSFT', 0, 10)).toBeUndefined();

    expect(append(builder, 'AAPL', 1, 11)).toBe(
      'duplicate bar: AAPL already has a bar at 2024-03-08T14:31:00.000Z',
    );
    expect(append(builder, 'AAPL', 0, 11)).toBe(
      'out of order: AAPL at 2024-03-08T14:30:00.000Z comes after its bar at 2024-03-08T14:31:00.000Z',
    );
    expect(builder.series(builder.symbolIndex('AAPL')).length).toBe(1);
  });

  it('grows past its first allocation without losing bars', () => {
    const builder = new BarColumnsBuilder();
    for (let minute = 0; minute < 5_000; minute++) append(builder, 'AAPL', minute, 1 + minute);

    const series = builder.series(0);

    expect(series.length).toBe(5_000);
    expect(series.close[0]).toBe(1);
    expect(series.close[4_999]).toBe(5_000);
    expect(series.startUs[4_999]).toBe(T0 + 4_999 * MINUTE_US);
  });
});

describe('Function: barValueProblem', () => {
  it.each([
    [[10, 11, 9, 10.5, 100], undefined],
    [[10, 10, 10, 10, 0], undefined],
    [[0, 11, 9, 10, 1], 'open must be above 0, got 0'],
    [[10, 11, -1, 10, 1], 'low must be above 0, got -1'],
    [[10, Number.POSITIVE_INFINITY, 9, 10, 1], 'high is not a finite number (Infinity)'],
    [[10, 11, 9, Number.NaN, 1], 'close is not a finite number (NaN)'],
    [[10, 11, 9, 10, -5], 'volume must not be negative, got -5'],
    [[10, 10.5, 9, 11, 1], 'high 10.5 is below max(open 10, close 11)'],
    [[10, 12, 9.5, 9, 1], 'low 9.5 is above min(open 10, close 9)'],
  ] as const)('%j → %s', ([open, high, low, close, volume], expected) => {
    expect(barValueProblem(open, high, low, close, volume)).toBe(expected);
  });
});
