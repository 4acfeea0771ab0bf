/**
 * Lambda entry point of the signal function, fed by the bars queue's event source mapping (with
 * ReportBatchItemFailures). Wiring only: environment, config, AWS clients.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../../shared/config/load-config.ts';
import { createSqsClient } from '../../shared/queues/sqs-client.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { FUNCTION_SERVICES, functionMetrics } from '../ops/function-metrics.ts';
import { buildSignalGenerators } from './build-signal-generators.ts';
import { createSignalHandler } from './signal-handler.ts';
import { readSignalsEnvironment } from './signals-environment.ts';

const env = readSignalsEnvironment(process.env);
const { system, models } = loadConfig({ systemFile: env.SYSTEM_CONFIG_FILE, env: process.env });

export const handler = createSignalHandler({
  generators: buildSignalGenerators(system.strategies, system.marketData.symbols, models),
  sqs: createSqsClient({ region: env.AWS_REGION, requestTimeoutMs: 5_000 }),
  signalsQueueUrl: env.SIGNALS_QUEUE_URL,
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: env.IDEMPOTENCY_TABLE_NAME }),
  idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_SECONDS,
  clock: systemClock,
  logger: new Logger({ serviceName: 'signals' }),
  metrics: functionMetrics(FUNCTION_SERVICES.signals, env.ACCOUNT_NAME),
});
