/**
 * Lambda entry point of the sweep's grid-point function, invoked by the sweep state machine's
 * Distributed Map once per item of grid.json. Wiring only: environment, S3 client.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { S3SweepBucket } from '../../backtest/sweep/aws/sweep-bucket.ts';
import { createGridPointHandler } from './grid-point-handler.ts';
import { readSweepEnvironment } from './sweep-environment.ts';

const env = readSweepEnvironment('backtest sweep grid point', process.env);

export const handler = createGridPointHandler({
  bucket: new S3SweepBucket(new S3Client({ region: env.AWS_REGION }), env.SWEEP_BUCKET),
  // Lambda's working directory is the bundle's root.
  baseDir: process.cwd(),
  logger: new Logger({ serviceName: 'backtest-sweep' }),
  metrics: new Metrics({ namespace: 'Trading', serviceName: 'backtest-sweep' }),
});
