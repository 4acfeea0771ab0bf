/**
 * The sweep's grid-point function as a middy handler with Powertools logging and metrics: one
 * item of the Distributed Map, run by gridPointRunner (backtest/sweep/aws/run-grid-point.ts).
 * An item that cannot run throws, so Step Functions fails it with the error's name and message;
 * a run that failed is a result like any other. Tests call it with fauxqs' S3; grid-point.ts
 * wires the AWS parts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type GridPointOutcome, gridPointRunner } from '../../backtest/sweep/aws/run-grid-point.ts';
import type { SweepBucket } from '../../backtest/sweep/aws/sweep-bucket.ts';

export const GRID_POINT_METRICS = {
  ok: 'SweepPointsRun',
  failed: 'SweepPointsFailed',
} as const;

export interface GridPointHandlerDependencies {
  readonly bucket: SweepBucket;
  /** What a model manifest's path is relative to: the function's root. */
  readonly baseDir: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function createGridPointHandler(deps: GridPointHandlerDependencies) {
  const { logger, metrics } = deps;
  const run = gridPointRunner(deps.bucket, deps.baseDir);
  const handle = async (event: unknown): Promise<GridPointOutcome> => {
    const started = performance.now();
    try {
      const outcome = await run(event);
      metrics.addMetric(GRID_POINT_METRICS[outcome.outcome], MetricUnit.Count, 1);
      logger.info('grid point done', { ...outcome, seconds: (performance.now() - started) / 1000 });
      return outcome;
    } catch (error) {
      logger.error('grid point could not run', { event, error: error as Error });
      throw error;
    }
  };
  return middy(handle)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
}
