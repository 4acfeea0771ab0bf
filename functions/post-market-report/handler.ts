/**
 * Lambda entry point of the post-market report, run by EventBridge Scheduler at 13:15 and 16:15
 * New York on weekdays. Wiring only: environment, AWS clients, broker client, fee schedule.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { FeeRates } from '../../shared/config/fees-schema.ts';
import { loadFeeRates } from '../../shared/config/load-config.ts';
import { S3ArtifactStore } from '../../shared/ops/s3-artifact-store.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { FUNCTION_SERVICES, functionMetrics } from '../ops/function-metrics.ts';
import { secretBrokerClient } from '../ops/secret-broker-client.ts';
import { readPostMarketReportEnvironment } from './post-market-report-environment.ts';
import { createPostMarketReportHandler } from './post-market-report-handler.ts';

const env = readPostMarketReportEnvironment(process.env);
const logger = new Logger({ serviceName: 'post-market-report' });
const metrics = functionMetrics(FUNCTION_SERVICES.report, env.ACCOUNT_NAME);

let feeRates: FeeRates | undefined;

export const handler = createPostMarketReportHandler({
  store: new DynamoStore({
    client: createDocumentClient({ region: env.AWS_REGION }),
    tables: { state: env.STATE_TABLE_NAME },
    account: env.ACCOUNT_NAME,
  }),
  broker: secretBrokerClient({ secretId: env.BROKER_SECRET_ID, tradingUrl: env.TRADING_URL }),
  artifacts: new S3ArtifactStore({
    client: new S3Client({ region: env.AWS_REGION }),
    bucket: env.REPORT_BUCKET,
  }),
  feeRates: () => {
    feeRates ??= loadFeeRates(env.FEES_FILE);
    return feeRates;
  },
  clock: systemClock,
  logger,
  metrics,
});
