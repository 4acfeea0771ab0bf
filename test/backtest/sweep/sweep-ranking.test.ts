import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseSweepMetric,
  SWEEP_METRIC_NAMES,
  type SweepMetrics,
} from '../../../backtest/sweep/sweep-metrics.ts';
import { rankSweepRuns, type SweepRun } from '../../../backtest/sweep/sweep-ranking.ts';

const NO_METRICS: SweepMetrics = Object.fromEntries(
  SWEEP_METRIC_NAMES.map((name) => [name, null]),
) as SweepMetrics;

function run(fast: number, metrics: Partial<SweepMetrics>): SweepRun {
  return { params: { fast }, metrics: { ...NO_METRICS, ...metrics } };
}

describe('rankSweepRuns', () => {
  it('puts the highest first for a metric where higher is better', () => {
    const runs = [run(5, { sharpe: 0.5 }), run(10, { sharpe: 1.8 }), run(15, { sharpe: -0.2 })];

    expect(rankSweepRuns(runs, 'sharpe').map((ranked) => [ranked.rank, ranked.params.fast])).toStrictEqual([
      [1, 10],
      [2, 5],
      [3, 15],
    ]);
  });

  it('puts the smallest drawdown first', () => {
    const runs = [
      run(5, { maxDrawdown: 0.3 }),
      run(10, { maxDrawdown: 0.05 }),
      run(15, { maxDrawdown: 0.12 }),
    ];

    expect(rankSweepRuns(runs, 'maxDrawdown').map((ranked) => ranked.params.fast)).toStrictEqual([10, 15, 5]);
  });

  it('ranks runs without a value after those with one, failed runs last, ties in grid order', () => {
    const runs: SweepRun[] = [
      { params: { fast: 5 }, error: 'strategy threw' },
      run(10, { profitFactor: null }),
      run(15, { profitFactor: 1.4 }),
      run(20, { profitFactor: Number.POSITIVE_INFINITY }),
      run(25, { profitFactor: 1.4 }),
      run(30, { profitFactor: Number.NaN }),
    ];

    const ranked = rankSweepRuns(runs, 'profitFactor');

    expect(ranked.map((entry) => entry.gridIndex)).toStrictEqual([3, 2, 4, 1, 5, 0]);
    expect(ranked[5]).toStrictEqual({
      rank: 6,
      gridIndex: 0,
      params: { fast: 5 },
      metrics: null,
      error: 'strategy threw',
    });
  });

  it('orders any runs as a sort by the metric then grid order would', () => {
    const value = fc.option(fc.integer({ min: -5, max: 5 }), { nil: null });
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 30 }),
        fc.constantFrom(...SWEEP_METRIC_NAMES),
        (values, metric) => {
          const ranked = rankSweepRuns(
            values.map((sharpe, i) => run(i, { [metric]: sharpe })),
            metric,
          );
          // Only the drawdown (a positive fraction) is better smaller.
          const better = metric === 'maxDrawdown' ? 1 : -1;
          for (let i = 1; i < ranked.length; i += 1) {
            const before = ranked[i - 1]!;
            const after = ranked[i]!;
            const a = before.metrics![metric];
            const b = after.metrics![metric];
            expect(after.rank).toBe(before.rank + 1);
            if (a === b) expect(before.gridIndex).toBeLessThan(after.gridIndex);
            else if (a !== null && b !== null) expect(better * (a - b)).toBeLessThan(0);
            else expect(b).toBeNull();
          }
          expect(ranked.map((entry) => entry.gridIndex).toSorted((x, y) => x - y)).toStrictEqual(
            values.map((_, i) => i),
          );
        },
      ),
    );
  });
});

describe('parseSweepMetric', () => {
  it('accepts a catalogue name and names the choices otherwise', () => {
    expect(parseSweepMetric('sortino')).toBe('sortino');
    expect(() => parseSweepMetric('toString')).toThrow(
      'unknown metric "toString": rank by one of totalReturn, cagr, sharpe, sortino, calmar, maxDrawdown, profitFactor, winRate, trades',
    );
  });
});
