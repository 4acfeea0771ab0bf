import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWatchdogEnvironment } from '../../../functions/watchdog/watchdog-environment.ts';
import { createWatchdogHandler } from '../../../functions/watchdog/watchdog-handler.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { captureOutput, lambdaContext } from '../../support/lambda-harness.ts';

describe('Function: createWatchdogHandler (middy, Powertools; dynalite and the simulator over loopback)', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;
  let sim: Simulator;
  let broker: AlpacaTradingClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'watchdog-handler-test' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    sim = await startSimulator({ logger: pino({ level: 'silent' }) });
    broker = new AlpacaTradingClient({
      baseUrl: sim.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
  });

  afterAll(async () => {
    await broker.close();
    await sim.close();
    client.destroy();
    await dynamo.close();
  });

  it('cancels the orders of a lapsed engine and emits the P0 metric as EMF', async () => {
    const clock = new ManualClock(Date.now());
    const leases = new DynamoLeaseStore({ client, table: dynamo.tables.lease, account: 'lambda-acct' });
    await leases.acquire({ holderId: 'engine-a', nowMs: clock.nowMs(), ttlMs: 10_000 });
    await broker.submitOrder({
      symbol: 'MSFT',
      qty: parseFixed('2'),
      side: 'buy',
      type: 'limit',
      limitPrice: parseFixed('1.5'),
      timeInForce: 'gtc',
      clientOrderId: 'lambda-rest-1',
    });
    clock.advanceMs(12_000);
    const handler = createWatchdogHandler({
      leases,
      broker: async () => broker,
      clock,
      logger: new Logger({ serviceName: 'watchdog' }),
      metrics: new Metrics({ namespace: 'Trading', serviceName: 'watchdog' }),
      waitForOverdueMs: 0,
    });

    let outcome: unknown;
    const { lines } = await captureOutput(async () => {
      outcome = await handler({}, lambdaContext('watchdog') as never);
    });

    expect(outcome).toMatchObject({ outcome: 'cancelled', summary: { cancelled: 1 } });
    expect(await broker.listOrders({ status: 'open' })).toStrictEqual([]);
    const emf = lines.find((line) => '_aws' in line);
    expect(emf).toMatchObject({
      EngineLeaseLapsed: 1,
      WatchdogOrdersCancelled: 1,
      WatchdogCancelFailures: 0,
    });
    expect(
      lines.some((line) => line.message === 'watchdog run finished' && line.function_request_id === 'req-1'),
    ).toBe(true);
  });

  it('names every missing or invalid setting of its environment', () => {
    expect(() => readWatchdogEnvironment({ AWS_REGION: 'us-east-1', TRADING_URL: 'not a url' })).toThrow(
      /ACCOUNT_NAME: .*LEASE_TABLE_NAME: .*TRADING_URL: .*BROKER_SECRET_ID: /,
    );
  });
});
