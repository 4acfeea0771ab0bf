/**
 * A parameter sweep: every point of the grid run on the worker pool, with the progress of the
 * whole sweep (runs done of total, the best run so far by the ranking metric). What one run does
 * is the worker module's business: it gets a SweepTask, answers with SweepMetrics, and reads
 * everything the runs have in common (bars, strategy, dates) from the shared data.
 */
import { createProgress, type ProgressOptions } from '../progress/progress-display.ts';
import { expandSweep, type SweepAxis, type SweepPoint } from './sweep-grid.ts';
import { formatMetricValue, SWEEP_METRICS, type SweepMetric, type SweepMetrics } from './sweep-metrics.ts';
import type { SweepRun } from './sweep-ranking.ts';
import { runOnWorkers } from './worker-pool.ts';

/** What a sweep worker receives per run: the swept parameters' values for this run. */
export interface SweepTask {
  readonly params: SweepPoint;
}

export interface SweepOptions {
  readonly axes: readonly SweepAxis[];
  /** The worker module: serveTasks<SweepTask, SweepMetrics, …> (task-worker.ts). */
  readonly module: URL;
  /** Handed once to each worker; put bars through shareBars so the workers share one copy. */
  readonly shared: unknown;
  /** The metric the best-so-far in the progress line is judged by. */
  readonly rankBy: SweepMetric;
  /** Worker threads; os.availableParallelism() by default. */
  readonly workers?: number;
  /** Where progress goes and how its time is read (stderr and performance.now by default). */
  readonly progress?: Pick<ProgressOptions<string>, 'output' | 'clock'>;
  readonly signal?: AbortSignal;
}

function describePoint(params: SweepPoint): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

/** Keeps the best run seen so far and says what it is: "best sharpe 1.42 (fast=10, slow=60)". */
function bestRunSoFar(metric: SweepMetric): {
  offer: (params: SweepPoint, metrics: SweepMetrics) => void;
  describe: (failed: number) => string;
} {
  const sign = SWEEP_METRICS[metric].better === 'higher' ? 1 : -1;
  let best: { readonly params: SweepPoint; readonly value: number } | undefined;
  return {
    offer(params, metrics) {
      const value = metrics[metric];
      if (value === null || Number.isNaN(value)) return;
      if (best === undefined || sign * (value - best.value) > 0) best = { params, value };
    },
    describe(failed) {
      const parts = [
        best === undefined
          ? `no ${metric} yet`
          : `best ${metric} ${formatMetricValue(metric, best.value)} (${describePoint(best.params)})`,
      ];
      if (failed > 0) parts.push(`${failed} failed`);
      return parts.join(', ');
    },
  };
}

/** Runs every point of the grid and returns one SweepRun per point, in grid order. */
export async function runSweep(options: SweepOptions): Promise<readonly SweepRun[]> {
  const points = expandSweep(options.axes);
  const tasks: SweepTask[] = points.map((params) => ({ params }));
  const best = bestRunSoFar(options.rankBy);
  const progress = createProgress<string>({ total: tasks.length, unit: 'runs', ...options.progress });
  let done = 0;
  let failed = 0;
  try {
    const outcomes = await runOnWorkers<SweepTask, SweepMetrics>(tasks, {
      module: options.module,
      shared: options.shared,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onResult(outcome, _, task) {
        done += 1;
        if (outcome.ok) best.offer(task.params, outcome.result);
        else failed += 1;
        progress.update(done, best.describe(failed));
      },
    });
    return outcomes.map((outcome, index) => {
      const params = points[index]!;
      if (outcome.ok) return { params, metrics: outcome.result };
      const { failure } = outcome;
      return {
        params,
        error: failure.kind === 'threw' ? `${failure.name}: ${failure.message}` : failure.message,
      };
    });
  } finally {
    progress.stop();
  }
}
