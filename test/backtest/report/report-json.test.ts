import { describe, expect, it, vi } from 'vitest';
import type { BacktestResult } from '../../../backtest/backtest-result.ts';
import { canonicalJson } from '../../../backtest/report/canonical-json.ts';
import { computeMetrics } from '../../../backtest/report/metrics.ts';
import { buildReport, reportJson } from '../../../backtest/report/report-json.ts';
import { curveResult, nyTime, syntheticBacktestResult, trade } from '../../support/backtest-results.ts';

describe('buildReport: in-sample and out-of-sample', () => {
  // Ten daily slices, starting cash 1,000; equity 1,000 + 10 × (day + 1), benchmark flat but for day 8.
  const dates = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13'].map((day) => `2026-03-${day}`);
  const points = dates.map((date, day) => ({
    timeMs: nyTime(date, '16:00'),
    equity: 1000 + 10 * (day + 1),
    benchmark: day === 8 ? 1100 : 1000,
  }));
  const trades = [
    trade({ timeMs: nyTime('2026-03-10', '16:00'), side: 'buy', qty: 1, price: 100, positionAfter: 1 }),
    // Between the last in-sample slice (03-10 16:00) and the first out-of-sample one: out-of-sample.
    trade({
      timeMs: nyTime('2026-03-11', '09:30'),
      side: 'sell',
      qty: 1,
      price: 110,
      realizedPnl: 10,
      positionAfter: 0,
    }),
  ];

  it('splits at slice floor(10 × 0.7) = 7 and measures each side from where it starts', () => {
    const report = buildReport(curveResult(points, { trades, meta: { split: 0.7 } }));
    expect(report.split).toStrictEqual({
      fraction: 0.7,
      firstOutOfSampleSlice: 7,
      outOfSampleFromMs: nyTime('2026-03-11', '16:00'),
    });
    const { all, inSample, outOfSample } = report.metrics;
    expect(all.slices).toBe(10);
    // In-sample: slices 0–6, 1,000 → 1,070.
    expect(inSample).toMatchObject({
      slices: 7,
      from: '2026-03-02',
      to: '2026-03-10',
      startValue: 1000,
      endValue: 1070,
    });
    expect(inSample!.totalReturn).toBeCloseTo(0.07, 12);
    expect(inSample!.executions).toBe(1);
    // Out-of-sample: slices 7–9, measured from 1,070 (the last in-sample equity) to 1,100.
    expect(outOfSample).toMatchObject({
      slices: 3,
      from: '2026-03-11',
      to: '2026-03-13',
      startValue: 1070,
      endValue: 1100,
    });
    expect(outOfSample!.totalReturn).toBeCloseTo(30 / 1070, 12);
    // The sale closes the position the in-sample side opened.
    expect(outOfSample).toMatchObject({ executions: 1, closingTrades: 1, roundTrips: 1, winRate: 1 });
    // Buy and hold: 1,000 throughout in-sample; out-of-sample 1,000 → 1,100 → 1,000, a 1/11 drawdown.
    expect(report.benchmark.inSample!.totalReturn).toBe(0);
    expect(report.benchmark.outOfSample!.totalReturn).toBe(0);
    expect(report.benchmark.outOfSample!.maxDrawdown).toBeCloseTo(-1 / 11, 12);
  });

  it('has one column without a split, and a null side when the split leaves it no slice', () => {
    const plain = buildReport(curveResult(points));
    expect(plain.split).toBeNull();
    expect(plain.metrics.inSample).toBeNull();
    expect(plain.metrics.outOfSample).toBeNull();
    expect(plain.benchmark.outOfSample).toBeNull();

    const allOutOfSample = buildReport(curveResult(points, { meta: { split: 0 } }));
    expect(allOutOfSample.metrics.inSample).toBeNull();
    expect(allOutOfSample.metrics.outOfSample).toStrictEqual(allOutOfSample.metrics.all);
  });

  it('gives the sweep the same figures as the report', () => {
    const result = syntheticBacktestResult();
    expect(buildReport(result).metrics.all).toStrictEqual(computeMetrics(result));
  });
});

describe('buildReport: daily points', () => {
  it('keeps each date’s last slice and its deepest drawdown', () => {
    // Starting cash 1,000: peak 1,100 at 10:00, 880 at 12:00 (−20%), close 990 (−10%).
    const report = buildReport(
      curveResult([
        { timeMs: nyTime('2026-03-02', '10:00'), equity: 1100, benchmark: 1000 },
        { timeMs: nyTime('2026-03-02', '12:00'), equity: 880, benchmark: 950 },
        { timeMs: nyTime('2026-03-02', '16:00'), equity: 990, benchmark: 990 },
        { timeMs: nyTime('2026-03-03', '16:00'), equity: 1045, benchmark: 1010 },
      ]),
    );
    expect(report.daily).toHaveLength(2);
    expect(report.daily[0]).toMatchObject({
      date: '2026-03-02',
      timeMs: nyTime('2026-03-02', '16:00'),
      equity: 990,
    });
    expect(report.daily[0]!.drawdown).toBeCloseTo(-0.2, 12);
    expect(report.daily[0]!.benchmarkDrawdown).toBeCloseTo(-0.05, 12);
    // 1,045/1,100 − 1.
    expect(report.daily[1]!.drawdown).toBeCloseTo(-0.05, 12);
    expect(report.daily[1]!.benchmarkDrawdown).toBe(0);
  });

  it('refuses a run without slices', () => {
    expect(() => buildReport(curveResult([]))).toThrow(RangeError);
  });
});

describe('reportJson: determinism', () => {
  it('writes identical bytes for two builds of the same inputs', () => {
    const first = reportJson(buildReport(syntheticBacktestResult({ split: 0.7 })));
    const second = reportJson(buildReport(syntheticBacktestResult({ split: 0.7 })));
    expect(second).toBe(first);
    expect(first).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('does not depend on the order keys were inserted in', () => {
    const result = syntheticBacktestResult();
    const reordered: BacktestResult = {
      refusals: { ...result.refusals, riskLimit: 1 },
      breakerResets: result.breakerResets,
      orders: result.orders,
      bars: result.bars,
      trades: result.trades.map((t) => ({
        positionAfter: t.positionAfter,
        realizedPnl: t.realizedPnl,
        slippage: t.slippage,
        fee: t.fee,
        price: t.price,
        qty: t.qty,
        side: t.side,
        symbol: t.symbol,
        strategyId: t.strategyId,
        timeMs: t.timeMs,
      })),
      equity: result.equity,
      meta: {
        ...result.meta,
        params: { sizeFraction: 0.45, slow: 20, fast: 5 },
        fillModel: { secFeeRate: 0.0000278, slippageBps: 1 },
      },
    };
    const withRefusal = { ...result, refusals: { riskLimit: 1, ...result.refusals } };
    expect(reportJson(buildReport(reordered))).toBe(reportJson(buildReport(withRefusal)));
  });

  it('holds no float noise beyond 12 significant digits', () => {
    const json = reportJson(buildReport(syntheticBacktestResult()));
    const fractions = json.match(/-?\d+\.\d+(e-?\d+)?/g) ?? [];
    expect(fractions.length).toBeGreaterThan(100);
    for (const number of fractions) {
      expect(number.replace(/^-?0*\.?0*|e.*$|\./g, '').length).toBeLessThanOrEqual(12);
    }
  });

  it('does not read the clock', () => {
    vi.useFakeTimers({ now: Date.UTC(2020, 0, 1) });
    const early = reportJson(buildReport(syntheticBacktestResult()));
    vi.setSystemTime(Date.UTC(2031, 6, 1));
    const late = reportJson(buildReport(syntheticBacktestResult()));
    vi.useRealTimers();
    expect(late).toBe(early);
  });
});

describe('canonicalJson', () => {
  it('sorts keys, rounds to 12 significant digits, keeps integers, puts rows on one line', () => {
    const json = canonicalJson({ b: 0.1 + 0.2, a: [{ y: -0, x: 1_767_225_600_000 }], c: null });
    expect(json).toBe('{\n  "a": [\n    {"x": 1767225600000, "y": 0}\n  ],\n  "b": 0.3,\n  "c": null\n}\n');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (value) => {
    expect(() => canonicalJson({ value })).toThrow(RangeError);
  });

  it('refuses what is not JSON data', () => {
    expect(() => canonicalJson({ value: undefined })).toThrow(TypeError);
    expect(() => canonicalJson({ value: new Float64Array(1) })).toThrow(TypeError);
  });
});
