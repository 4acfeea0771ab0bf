/**
 * The sweep's worker thread: runs the shared job with one grid point's parameters and answers
 * with the metrics the sweep ranks by (computed as the report computes them).
 */
import { type BacktestJob, runJob } from '../backtest-job.ts';
import { computeMetrics } from '../report/metrics.ts';
import type { SweepTask } from './run-sweep.ts';
import type { SweepMetrics } from './sweep-metrics.ts';
import { serveTasks } from './task-worker.ts';

serveTasks<SweepTask, SweepMetrics, BacktestJob>(async (task, job) => {
  const result = await runJob({ ...job, params: { ...job.params, ...task.params } });
  const metrics = computeMetrics(result);
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
});
