/**
 * Lambda entry point of the sweep's summary function, invoked by the sweep state machine once
 * the Distributed Map has run every grid point. Wiring only: environment, S3 client.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { S3SweepBucket } from '../../backtest/sweep/aws/sweep-bucket.ts';
import { createSummaryHandler } from './summary-handler.ts';
import { readSweepEnvironment } from './sweep-environment.ts';

const env = readSweepEnvironment('backtest sweep summary', process.env);

export const handler = createSummaryHandler({
  bucket: new S3SweepBucket(new S3Client({ region: env.AWS_REGION }), env.SWEEP_BUCKET),
  logger: new Logger({ serviceName: 'backtest-sweep' }),
});
