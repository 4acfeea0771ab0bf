/**
 * A sweep worker for run-sweep's tests: metrics that are a known function of the parameters, read
 * against the shared data, so the best run is predictable; `slow` of 0 throws as a bad strategy
 * parameter would.
 */

import type { SweepTask } from '../../../backtest/sweep/run-sweep.ts';
import { SWEEP_METRIC_NAMES, type SweepMetrics } from '../../../backtest/sweep/sweep-metrics.ts';
import { serveTasks } from '../../../backtest/sweep/task-worker.ts';

export interface ToySweepShared {
  /** Added to every run's Sharpe ratio: proof the workers read the shared data. */
  readonly offset: Float64Array;
}

serveTasks<SweepTask, SweepMetrics, ToySweepShared>(({ params }, { offset }) => {
  const fast = Number(params.fast);
  const slow = Number(params.slow);
  if (slow === 0) throw new RangeError('slow must be positive');
  const metrics = Object.fromEntries(SWEEP_METRIC_NAMES.map((name) => [name, null])) as Record<
    string,
    number | null
  >;
  // Peaks at fast = 10, slow = 40.
  metrics.sharpe = offset[0]! - Math.abs(fast - 10) / 10 - Math.abs(slow - 40) / 100;
  metrics.trades = fast * slow;
  return metrics as SweepMetrics;
});
