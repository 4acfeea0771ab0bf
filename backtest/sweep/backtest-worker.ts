/**
 * The sweep's worker thread: runs the shared job with one grid point's parameters and answers
 * with the metrics the sweep ranks by (sweep-point.ts, as a sweep's Lambda on AWS does).
 */
import type { BacktestJob } from '../backtest-job.ts';
import type { SweepTask } from './run-sweep.ts';
import type { SweepMetrics } from './sweep-metrics.ts';
import { runSweepPoint, sweepMetricsOf } from './sweep-point.ts';
import { serveTasks } from './task-worker.ts';

serveTasks<SweepTask, SweepMetrics, BacktestJob>(async (task, job) =>
  sweepMetricsOf(await runSweepPoint(job, task.params)),
);
