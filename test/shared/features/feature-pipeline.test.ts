import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../shared/domain/market-data.ts';
import { FEATURE_NAMES, FeaturePipeline } from '../../../shared/features/feature-pipeline.ts';

const MINUTE_US = 60_000_000;
const START_US = Date.UTC(2026, 11, 1, 15, 0) * 1000;

function bar(i: number, close: number, volume = 1000 + 37 * (i % 11), spread = 0.4): Bar {
  return {
    symbol: 'AAPL',
    kind: 'minute',
    startUs: START_US + i * MINUTE_US,
    open: close - 0.1,
    high: close + spread,
    low: close - spread,
    close,
    volume,
    tradeCount: 10,
    vwap: close,
  };
}

/** A wavy upward series: every feature moves, none is degenerate. */
const series = (length: number): Bar[] =>
  Array.from({ length }, (_, i) => bar(i, 100 + 3 * Math.sin(i / 4) + 0.05 * i + 0.7 * Math.cos(i * 1.7)));

function lastRow(names: readonly string[], bars: readonly Bar[]): number[] | null {
  const pipeline = new FeaturePipeline(names);
  let row: Float64Array | null = null;
  for (const b of bars) row = pipeline.update(b);
  return row === null ? null : [...row];
}

/** Equal up to the rounding a corrected running sum carries (NaN matches NaN). */
function expectSameRow(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    if (Number.isNaN(expected[i]!)) expect(value).toBeNaN();
    else
      expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[i]!)));
  });
}

describe('Class: FeaturePipeline', () => {
  it('produces every feature it lists', () => {
    const row = lastRow(FEATURE_NAMES, series(60));
    expect(row).toHaveLength(FEATURE_NAMES.length);
    for (const value of row!) expect(Number.isFinite(value)).toBe(true);
  });

  it.each(FEATURE_NAMES.map((name) => [name]))(
    '%s is null for warmupBars − 1 bars, then a number',
    (name) => {
      const pipeline = new FeaturePipeline([name]);
      const bars = series(pipeline.warmupBars + 1);
      bars.forEach((b, i) => {
        const row = pipeline.update(b);
        if (i < pipeline.warmupBars - 1) expect(row).toBeNull();
        else expect(row).not.toBeNull();
      });
    },
  );

  it('warms up for as long as its slowest feature', () => {
    expect(new FeaturePipeline(['return_1', 'rsi_14']).warmupBars).toBe(15);
    expect(new FeaturePipeline(FEATURE_NAMES).warmupBars).toBe(34);
  });

  it('computes returns and ratios as a hand computation does', () => {
    const closes = [
      100, 101, 99, 102, 103, 104, 100, 98, 97, 99, 101, 103, 102, 104, 106, 105, 107, 108, 107, 110,
    ];
    const bars = closes.map((c, i) => bar(i, c));
    const row = lastRow(['return_1', 'return_5', 'sma_ratio_5_20', 'bollinger_percent_b_20'], bars)!;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sma20 = mean(closes);
    const sd20 = Math.sqrt(mean(closes.map((c) => (c - sma20) ** 2)));
    expect(row[0]).toBeCloseTo(110 / 107 - 1, 12);
    expect(row[1]).toBeCloseTo(110 / 106 - 1, 12);
    expect(row[2]).toBeCloseTo(mean(closes.slice(-5)) / sma20 - 1, 12);
    expect(row[3]).toBeCloseTo((110 - (sma20 - 2 * sd20)) / (4 * sd20), 12);
  });

  it('measures ATR and the session VWAP against the close', () => {
    // Constant 2.0 ranges and no gaps: ATR is 2, i.e. 2 % of a 100 close.
    const flat = Array.from({ length: 14 }, (_, i) => bar(i, 100, 500, 1));
    expect(lastRow(['atr_percent_14'], flat)).toStrictEqual([2]);
    // VWAP of the typical prices (close ± 1 averages to the close) weighted 1:3.
    const bars = [bar(0, 100, 100), bar(1, 104, 300)];
    expect(lastRow(['vwap_deviation'], bars)![0]).toBeCloseTo(104 / 103 - 1, 12);
  });

  it('returns the same array from every update', () => {
    const pipeline = new FeaturePipeline(['return_1']);
    pipeline.update(bar(0, 100));
    const first = pipeline.update(bar(1, 101));
    const second = pipeline.update(bar(2, 102));
    expect(second).toBe(first);
  });

  it('replacing the latest bar gives what the corrected bar would have given', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 50, max: 150, noNaN: true }), { minLength: 40, maxLength: 60 }),
        fc.double({ min: 50, max: 150, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        (closes, corrected, volume) => {
          const bars = closes.map((c, i) => bar(i, c));
          const last = bars.length - 1;
          const fix = bar(last, corrected, volume);
          const replaced = new FeaturePipeline(FEATURE_NAMES);
          for (const b of bars) replaced.update(b);
          const viaReplace = [...replaced.update(fix, true)!];
          expectSameRow(viaReplace, lastRow(FEATURE_NAMES, [...bars.slice(0, last), fix])!);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('ignores a bar it cannot use, and carries on as if it never came', () => {
    const bars = series(40);
    const pipeline = new FeaturePipeline(FEATURE_NAMES);
    for (const b of bars.slice(0, 39)) pipeline.update(b);
    expect(pipeline.update({ ...bars[39]!, close: Number.NaN })).toBeNull();
    expect(pipeline.update({ ...bars[39]!, volume: -1 })).toBeNull();
    expect([...pipeline.update(bars[39]!)!]).toStrictEqual(lastRow(FEATURE_NAMES, bars));
  });

  it('starts over after reset', () => {
    const pipeline = new FeaturePipeline(['rsi_14', 'return_5']);
    for (const b of series(30)) pipeline.update(b);
    pipeline.reset();
    const fresh = series(20).map((b) => pipeline.update(b));
    expect(fresh.slice(0, 14).every((row) => row === null)).toBe(true);
    expect([...fresh[19]!]).toStrictEqual(lastRow(['rsi_14', 'return_5'], series(20)));
  });

  it('refuses features it cannot produce, naming them', () => {
    expect(() => new FeaturePipeline(['rsi_14', 'moon_phase', 'tide'])).toThrow(
      'the feature pipeline cannot produce moon_phase, tide (it produces return_1,',
    );
  });
});
