/**
 * Lambda entry point of the daily backup (config snapshot), run at 18:30 New York by EventBridge
 * Scheduler. Wiring only: environment, AWS clients, the bundled config folder.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { configFilesIn } from '../../shared/ops/config-snapshot.ts';
import { S3ArtifactStore } from '../../shared/ops/s3-artifact-store.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { readFunctionEnvironment } from '../ops/function-environment.ts';
import { FUNCTION_SERVICES, functionMetrics } from '../ops/function-metrics.ts';
import { backupEnvironmentSchema } from './backup-environment.ts';
import { createBackupHandler } from './backup-handler.ts';

const env = readFunctionEnvironment('backup', backupEnvironmentSchema, process.env);

export const handler = createBackupHandler({
  artifacts: new S3ArtifactStore({
    client: new S3Client({ region: env.AWS_REGION }),
    bucket: env.CONFIG_BUCKET,
  }),
  configFiles: () => configFilesIn(env.CONFIG_DIR),
  reports: new DynamoStore({
    client: createDocumentClient({ region: env.AWS_REGION }),
    tables: { state: env.STATE_TABLE_NAME },
    account: env.ACCOUNT_NAME,
  }),
  clock: systemClock,
  logger: new Logger({ serviceName: 'backup' }),
  metrics: functionMetrics(FUNCTION_SERVICES.backup, env.ACCOUNT_NAME),
});
