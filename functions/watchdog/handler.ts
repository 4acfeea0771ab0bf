/**
 * Lambda entry point of the cancel-on-disconnect watchdog, run every minute by EventBridge
 * Scheduler. Wiring only: environment, AWS clients, broker client.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../shared/store/dynamo-lease-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { brokerFromSecret } from '../broker-from-secret.ts';
import { readWatchdogEnvironment } from './watchdog-environment.ts';
import { createWatchdogHandler } from './watchdog-handler.ts';

const env = readWatchdogEnvironment(process.env);
const logger = new Logger({ serviceName: 'watchdog' });
const metrics = new Metrics({ namespace: 'Trading', serviceName: 'watchdog' });

export const handler = createWatchdogHandler({
  leases: new DynamoLeaseStore({
    client: createDocumentClient({ region: env.AWS_REGION }),
    table: env.LEASE_TABLE_NAME,
    account: env.ACCOUNT_NAME,
  }),
  broker: brokerFromSecret(env.BROKER_SECRET_ID, env.TRADING_URL),
  clock: systemClock,
  logger,
  metrics,
  waitForOverdueMs: env.WAIT_FOR_OVERDUE_MS,
});
