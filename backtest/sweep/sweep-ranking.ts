/**
 * Orders a sweep's runs by one metric, best first. Runs without a value for it (a metric a run
 * cannot have, such as a profit factor without trades) come after those with one, and failed runs
 * after all; ties keep grid order, so the same sweep ranks the same way every time.
 */
import type { SweepPoint } from './sweep-grid.ts';
import { SWEEP_METRICS, type SweepMetric, type SweepMetrics } from './sweep-metrics.ts';

/** One run of a sweep as the worker reported it: its metrics, or why it failed. */
export type SweepRun =
  | { readonly params: SweepPoint; readonly metrics: SweepMetrics }
  | { readonly params: SweepPoint; readonly error: string };

export interface RankedRun {
  /** 1 for the best run. */
  readonly rank: number;
  /** Position in the grid (expandSweep's order). */
  readonly gridIndex: number;
  readonly params: SweepPoint;
  readonly metrics: SweepMetrics | null;
  readonly error: string | null;
}

/** Runs with a value first, then runs without one, then failed runs. */
function tier(run: SweepRun, value: number | null): number {
  if (!('metrics' in run)) return 2;
  return value === null ? 1 : 0;
}

function rankingValue(run: SweepRun, metric: SweepMetric): number | null {
  if (!('metrics' in run)) return null;
  const value = run.metrics[metric];
  return value === null || Number.isNaN(value) ? null : value;
}

/** Ranks runs given in grid order. */
export function rankSweepRuns(runs: readonly SweepRun[], metric: SweepMetric): readonly RankedRun[] {
  const sign = SWEEP_METRICS[metric].better === 'higher' ? -1 : 1;
  return runs
    .map((run, gridIndex) => {
      const value = rankingValue(run, metric);
      return { run, gridIndex, value, tier: tier(run, value) };
    })
    .sort((a, b) => {
      if (a.tier !== b.tier) return a.tier - b.tier;
      if (a.value !== null && b.value !== null && a.value !== b.value) return sign * (a.value - b.value);
      return a.gridIndex - b.gridIndex;
    })
    .map(({ run, gridIndex }, position) => ({
      rank: position + 1,
      gridIndex,
      params: run.params,
      metrics: 'metrics' in run ? run.metrics : null,
      error: 'error' in run ? run.error : null,
    }));
}
