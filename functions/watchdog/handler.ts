/**
 * Lambda entry point of the cancel-on-disconnect watchdog, run every minute by EventBridge
 * Scheduler. Wiring only: environment, AWS clients, broker client.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../shared/store/dynamo-lease-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { readWatchdogEnvironment } from './watchdog-environment.ts';
import { createWatchdogHandler } from './watchdog-handler.ts';

const env = readWatchdogEnvironment(process.env);
const logger = new Logger({ serviceName: 'watchdog' });
const metrics = new Metrics({ namespace: 'Trading', serviceName: 'watchdog' });
const brokerKeysSchema = z.object({ keyId: z.string().min(1), secretKey: z.string().min(1) });

let broker: { client: AlpacaTradingClient; keyId: string } | undefined;

async function brokerClient(): Promise<AlpacaTradingClient> {
  // Cached by Powertools for five minutes; a rotated key pair replaces the client.
  const keys = brokerKeysSchema.parse(
    await getSecret(env.BROKER_SECRET_ID, { transform: 'json', maxAge: 300 }),
  );
  if (broker?.keyId !== keys.keyId) {
    await broker?.client.close();
    broker = {
      client: new AlpacaTradingClient({ baseUrl: env.TRADING_URL, credentials: keys }),
      keyId: keys.keyId,
    };
  }
  return broker.client;
}

export const handler = createWatchdogHandler({
  leases: new DynamoLeaseStore({
    client: createDocumentClient({ region: env.AWS_REGION }),
    table: env.LEASE_TABLE_NAME,
    account: env.ACCOUNT_NAME,
  }),
  broker: brokerClient,
  clock: systemClock,
  logger,
  metrics,
  waitForOverdueMs: env.WAIT_FOR_OVERDUE_MS,
});
