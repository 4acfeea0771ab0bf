/**
 * Lambda entry point of reconciliation, run every 5 minutes in market hours by EventBridge
 * Scheduler and on demand. Wiring only: environment, AWS clients, broker and engine API clients.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { engineApiFromSecret } from '../ops/engine-api-from-secret.ts';
import { readFunctionEnvironment } from '../ops/function-environment.ts';
import { FUNCTION_SERVICES, functionMetrics } from '../ops/function-metrics.ts';
import { engineApiEnvironmentSchema, opsEnvironmentSchema } from '../ops/ops-environment.ts';
import { secretBrokerClient } from '../ops/secret-broker-client.ts';
import { createReconcileHandler } from './reconcile-handler.ts';

const env = readFunctionEnvironment(
  'reconcile',
  opsEnvironmentSchema
    .extend(engineApiEnvironmentSchema.shape)
    .extend({ CONFIRM_AFTER_MS: z.coerce.number().int().min(0).max(30_000).default(3_000) }),
  process.env,
);
const store = new DynamoStore({
  client: createDocumentClient({ region: env.AWS_REGION }),
  tables: { state: env.STATE_TABLE_NAME },
  account: env.ACCOUNT_NAME,
});

export const handler = createReconcileHandler({
  broker: secretBrokerClient({ secretId: env.BROKER_SECRET_ID, tradingUrl: env.TRADING_URL }),
  engine: () =>
    engineApiFromSecret({ url: env.ENGINE_API_URL, tokenSecretId: env.ENGINE_API_TOKEN_SECRET_ID }),
  store,
  reports: store,
  confirmAfterMs: env.CONFIRM_AFTER_MS,
  sleep: (ms) => sleep(ms),
  clock: systemClock,
  logger: new Logger({ serviceName: 'reconcile' }),
  metrics: functionMetrics(FUNCTION_SERVICES.reconcile, env.ACCOUNT_NAME),
});
