/**
 * The sweep's summary function as a middy handler with Powertools logging: after the Distributed
 * Map, summarizeSweep (backtest/sweep/aws/summarize-sweep.ts) ranks every point's result and
 * writes summary.csv and summary.md, or throws, writing nothing, when a result is missing or bad.
 * Tests call it with fauxqs' S3; summary.ts wires the AWS parts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type SweepSummary, summarizeSweep } from '../../backtest/sweep/aws/summarize-sweep.ts';
import type { SweepBucket } from '../../backtest/sweep/aws/sweep-bucket.ts';

export interface SummaryHandlerDependencies {
  readonly bucket: SweepBucket;
  readonly logger: Logger;
}

export function createSummaryHandler(deps: SummaryHandlerDependencies) {
  const { logger } = deps;
  const handle = async (event: unknown): Promise<SweepSummary> => {
    try {
      const summary = await summarizeSweep(deps.bucket, event);
      logger.info('sweep summarized', { ...summary });
      return summary;
    } catch (error) {
      logger.error('sweep not summarized', { event, error: error as Error });
      throw error;
    }
  };
  return middy(handle).use(injectLambdaContext(logger));
}
