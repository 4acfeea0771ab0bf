/**
 * Lambda entry point of the pre-market check, run at 09:00 New York on weekdays by EventBridge
 * Scheduler. Wiring only: environment, AWS clients, broker and engine API clients, the bundled config.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { loadConfig } from '../../shared/config/load-config.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { engineApiFromSecret } from '../ops/engine-api-from-secret.ts';
import { readFunctionEnvironment } from '../ops/function-environment.ts';
import { FUNCTION_SERVICES, functionMetrics } from '../ops/function-metrics.ts';
import {
  bundledConfigEnvironmentSchema,
  engineApiEnvironmentSchema,
  opsEnvironmentSchema,
} from '../ops/ops-environment.ts';
import { secretBrokerClient } from '../ops/secret-broker-client.ts';
import { createPremarketHandler } from './premarket-handler.ts';

const env = readFunctionEnvironment(
  'premarket',
  opsEnvironmentSchema
    .extend(engineApiEnvironmentSchema.shape)
    .extend(bundledConfigEnvironmentSchema.shape)
    .extend({ LEASE_TABLE_NAME: z.string().min(3) }),
  process.env,
);
const client = createDocumentClient({ region: env.AWS_REGION });
const store = new DynamoStore({
  client,
  tables: { state: env.STATE_TABLE_NAME },
  account: env.ACCOUNT_NAME,
});

export const handler = createPremarketHandler({
  broker: secretBrokerClient({ secretId: env.BROKER_SECRET_ID, tradingUrl: env.TRADING_URL }),
  engine: () =>
    engineApiFromSecret({ url: env.ENGINE_API_URL, tokenSecretId: env.ENGINE_API_TOKEN_SECRET_ID }),
  leases: new DynamoLeaseStore({ client, table: env.LEASE_TABLE_NAME, account: env.ACCOUNT_NAME }),
  config: () => loadConfig({ systemFile: env.CONFIG_FILE, env: {} }),
  reports: store,
  clock: systemClock,
  logger: new Logger({ serviceName: 'premarket' }),
  metrics: functionMetrics(FUNCTION_SERVICES.premarket, env.ACCOUNT_NAME),
});
