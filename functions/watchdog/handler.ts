/**
 * Lambda entry point of the cancel-on-disconnect watchdog, run every minute by EventBridge
 * Scheduler. Wiring only: environment, AWS clients, broker client.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../shared/store/dynamo-lease-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { FUNCTION_SERVICES, functionMetrics } from '../ops/function-metrics.ts';
import { secretBrokerClient } from '../ops/secret-broker-client.ts';
import { readWatchdogEnvironment } from './watchdog-environment.ts';
import { createWatchdogHandler } from './watchdog-handler.ts';

const env = readWatchdogEnvironment(process.env);
const logger = new Logger({ serviceName: 'watchdog' });
const metrics = functionMetrics(FUNCTION_SERVICES.watchdog, env.ACCOUNT_NAME);
export const handler = createWatchdogHandler({
  leases: new DynamoLeaseStore({
    client: createDocumentClient({ region: env.AWS_REGION }),
    table: env.LEASE_TABLE_NAME,
    account: env.ACCOUNT_NAME,
  }),
  broker: secretBrokerClient({ secretId: env.BROKER_SECRET_ID, tradingUrl: env.TRADING_URL }),
  clock: systemClock,
  logger,
  metrics,
  waitForOverdueMs: env.WAIT_FOR_OVERDUE_MS,
});
