/**
 * One grid point of a sweep: the shared job run with the point's parameters over the job's own,
 * measured as the report measures a run. The local sweep's worker threads and the sweep's Lambda on
 * AWS both call this, so a point gives the same figures wherever it runs.
 */
import { type BacktestJob, runJob } from '../backtest-job.ts';
import { computeMetrics, type PerformanceMetrics } from '../report/metrics.ts';
import type { SweepPoint } from './sweep-grid.ts';
import type { SweepMetrics } from './sweep-metrics.ts';

/** The run's metrics, the same object as report.json's `metrics.all`. */
export async function runSweepPoint(job: BacktestJob, point: SweepPoint): Promise<PerformanceMetrics> {
  const result = await runJob({ ...job, params: { ...job.params, ...point } });
  return computeMetrics(result);
}

/** The metrics a sweep ranks by, from the run's. */
export function sweepMetricsOf(metrics: PerformanceMetrics): SweepMetrics {
  return {
    totalReturn: metrics.totalReturn,
    cagr: metrics.cagr,
    sharpe: metrics.sharpe,
    sortino: metrics.sortino,
    calmar: metrics.calmar,
    // The report's drawdown is a fall (≤ 0); the sweep ranks its size.
    maxDrawdown: metrics.maxDrawdown === null ? null : Math.abs(metrics.maxDrawdown),
    profitFactor: metrics.profitFactor,
    winRate: metrics.winRate,
    trades: metrics.roundTrips,
  };
}
