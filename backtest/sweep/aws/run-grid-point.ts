/**
 * One grid point of a sweep on AWS, as the grid-point function runs it: the item from grid.json
 * is checked against the run's own grid, the point is run by runSweepPoint (the code a local
 * sweep's worker threads run), and its result is written to results/<pointId>.json.
 *
 * A run that throws is recorded as failed with its error, as a local sweep records it, and ranks
 * last in the summary. An item, job.json or bars that are not right are thrown: the item fails,
 * and with it the execution, before any summary is written.
 *
 * A warm function keeps the last run's job and bars: the Distributed Map sends a run's points to
 * the same few function instances, and a run's files are written once, before the execution
 * starts, so loading them once per instance is enough.
 */
import { type SweepPoint, samePoint } from '../sweep-grid.ts';
import type { SweepMetric } from '../sweep-metrics.ts';
import { runSweepPoint, sweepMetricsOf } from '../sweep-point.ts';
import type { SweepBucket } from './sweep-bucket.ts';
import { SweepEventError, zodProblems } from './sweep-errors.ts';
import {
  type GridItem,
  gridItemSchema,
  type PointResult,
  pointResultSchema,
  SWEEP_FILES_VERSION,
} from './sweep-run-files.ts';
import { loadSweepRun, type SweepRunInputs } from './sweep-run-inputs.ts';
import { runKeys, s3Url } from './sweep-run-layout.ts';

/** What the function returns to the state machine: small, as every item's output is kept a while. */
export interface GridPointOutcome {
  readonly runId: string;
  readonly pointId: string;
  readonly outcome: PointResult['outcome'];
  /** s3:// URL of the result file. */
  readonly result: string;
  readonly rankBy: SweepMetric;
  /** The point's value of the ranking metric (null when it has none or the run failed). */
  readonly value: number | null;
}

export type GridPointRunner = (event: unknown) => Promise<GridPointOutcome>;

function readGridItem(event: unknown): GridItem {
  const parsed = gridItemSchema.safeParse(event);
  if (!parsed.success) {
    throw new SweepEventError('the grid-point event is not an item of grid.json', zodProblems(parsed.error));
  }
  return parsed.data;
}

function gridPointOf(item: GridItem, inputs: SweepRunInputs): SweepPoint {
  const index = Number(item.pointId);
  const point = inputs.points[index];
  if (point === undefined) {
    throw new SweepEventError(
      `grid point ${item.pointId} is beyond the run's grid of ${inputs.points.length} points (--sweep ${inputs.file.sweep})`,
    );
  }
  if (!samePoint(point, item.params)) {
    throw new SweepEventError(
      `grid point ${item.pointId} has ${JSON.stringify(item.params)}, but the run's grid has ${JSON.stringify(point)} there`,
    );
  }
  return point;
}

/** As the local worker pool records a run that threw. */
function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
}

export function gridPointRunner(bucket: SweepBucket, baseDir: string): GridPointRunner {
  let loaded: { readonly runId: string; readonly inputs: Promise<SweepRunInputs> } | undefined;
  const inputsOf = (runId: string): Promise<SweepRunInputs> => {
    if (loaded?.runId !== runId) {
      const inputs = loadSweepRun(bucket, runId, baseDir);
      loaded = { runId, inputs };
      // A load that failed is tried afresh by the next invocation.
      inputs.catch(() => {
        if (loaded?.inputs === inputs) loaded = undefined;
      });
    }
    return loaded.inputs;
  };

  return async (event) => {
    const item = readGridItem(event);
    const inputs = await inputsOf(item.runId);
    const point = gridPointOf(item, inputs);
    const base = {
      formatVersion: SWEEP_FILES_VERSION,
      runId: item.runId,
      pointId: item.pointId,
      params: point,
    } as const;
    let result: PointResult;
    try {
      const performance = await runSweepPoint(inputs.job, point);
      result = {
        ...base,
        outcome: 'ok',
        metrics: sweepMetricsOf(performance),
        performance: { ...performance },
      };
    } catch (error) {
      result = { ...base, outcome: 'failed', error: describeFailure(error) };
    }
    // What the summary reads back must pass the summary's check; a metric that is not finite would
    // silently become null in JSON.
    const checked = pointResultSchema.parse(result);
    const key = runKeys(item.runId).result(item.pointId);
    await bucket.put(key, `${JSON.stringify(checked, null, 2)}\n`, 'application/json');
    const { rankBy } = inputs.file;
    return {
      runId: item.runId,
      pointId: item.pointId,
      outcome: checked.outcome,
      result: s3Url(bucket.name, key),
      rankBy,
      value: checked.outcome === 'ok' ? checked.metrics[rankBy] : null,
    };
  };
}
