import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReconcileHandler } from '../../../functions/reconcile/reconcile-handler.ts';
import { EngineApiClient } from '../../../shared/api/engine-api-client.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { parseFixed, ZERO } from '../../../shared/domain/fixed.ts';
import type { OpsReport } from '../../../shared/ops/ops-report.ts';
import type { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { newYorkDate } from '../../../shared/time/new-york-time.ts';
import { TEST_API_TOKENS } from '../../support/api-tokens.ts';
import { type EngineOnSimulator, startEngineOnSimulator } from '../../support/engine-on-simulator.ts';
import { captureOutput, emfMetrics, lambdaContext } from '../../support/lambda-harness.ts';
import { tempFolder } from '../../support/temp-files.ts';
import type { VenueAdmin } from '../../support/venue-admin.ts';

const TABLE_PREFIX = 'reconcile-handler';
const ACCOUNT = 'reconcile-acct';

describe('Function: createReconcileHandler (engine process, simulator and dynalite over loopback)', () => {
  const folder = tempFolder();
  let stack: EngineOnSimulator;
  let store: DynamoStore;
  let venue: VenueAdmin;
  let runs = 0;

  beforeAll(async () => {
    stack = await startEngineOnSimulator({ folder, tablePrefix: TABLE_PREFIX, account: ACCOUNT, seed: 8 });
    ({ store, venue } = stack);
  });

  afterAll(async () => {
    await stack?.close();
    folder.remove();
  });

  async function invoke(event: unknown, options: { broker?: AlpacaTradingClient; engineUrl?: string } = {}) {
    const broker =
      options.broker ??
      new AlpacaTradingClient({
        baseUrl: stack.simulator.baseUrl,
        credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
      });
    const handler = createReconcileHandler({
      broker: async () => broker,
      engine: async () =>
        new EngineApiClient({
          baseUrl: options.engineUrl ?? stack.api,
          token: TEST_API_TOKENS.read,
          timeoutMs: 2_000,
        }),
      store,
      reports: store,
      confirmAfterMs: 200,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      clock: systemClock,
      logger: new Logger({ serviceName: 'reconcile' }),
      metrics: new Metrics({ namespace: 'Trading', serviceName: 'reconcile' }),
    });
    runs += 1;
    const { result, lines } = await captureOutput(
      () => handler(event, lambdaContext('reconcile', `reconcile-${runs}`) as never) as Promise<OpsReport>,
    );
    if (options.broker === undefined) await broker.close();
    return { report: result, metrics: emfMetrics(lines) };
  }

  const onDemand = { job: 'reconcile', trigger: 'on-demand' };

  async function buy(symbol: string, qty: string): Promise<void> {
    await venue.broker.submitOrder({
      symbol,
      qty: parseFixed(qty),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId: `manual-${symbol}-${Date.now()}`,
    });
  }

  async function storedQty(symbol: string): Promise<string> {
    const positions = await store.listPositions();
    const position = positions.items.find((item) => item.symbol === symbol);
    return position === undefined ? 'none' : String(position.qty);
  }

  it('agrees with the broker when the engine has booked what the venue did (store and API compared)', async () => {
    await buy('AAPL', '10');
    await buy('MSFT', '6');
    await venue.until(
      'venue positions',
      () => venue.positions(),
      (held) => held.AAPL === '10' && held.MSFT === '6',
    );
    // The engine adopts the fills from the stream and writes its positions behind.
    await venue.until(
      'stored positions',
      async () => [await storedQty('AAPL'), await storedQty('MSFT')],
      ([aapl, msft]) => aapl === String(parseFixed('10')) && msft === String(parseFixed('6')),
    );
    const { report, metrics } = await invoke(onDemand);
    expect(report.outcome, report.summary).toBe('ok');
    expect(report.summary).toContain('engine store and api agree with the broker (2 broker position(s)');
    expect(metrics.ReconciliationDifferences).toBe(0);
    expect(metrics.ReconcileFailed).toBe(0);
  });

  it('reports a missing position, an extra order and a quantity mismatch once each, and sends no order', async () => {
    const ordersBefore = await venue.orders();
    const stored = await store.listPositions();
    const aapl = stored.items.find((item) => item.symbol === 'AAPL')!;
    const msft = stored.items.find((item) => item.symbol === 'MSFT')!;
    // The store lost AAPL and holds a wrong MSFT quantity, and keeps an order the broker never had.
    await store.putPosition({ ...aapl, qty: ZERO, asOfMs: Date.now() });
    await store.putPosition({ ...msft, qty: parseFixed('4'), asOfMs: Date.now() });
    await store.putOrder({
      id: 'planted-broker-id',
      clientOrderId: 'planted-extra-order',
      symbol: 'AAPL',
      assetClass: 'us_equity',
      side: 'sell',
      type: 'limit',
      timeInForce: 'gtc',
      qty: parseFixed('2'),
      filledQty: ZERO,
      filledAvgPrice: null,
      limitPrice: parseFixed('999'),
      stopPrice: null,
      trailPercent: null,
      trailPrice: null,
      status: 'new',
      extendedHours: false,
      createdAtMs: Date.now(),
      updatedAtMs: Date.now(),
      replacedBy: null,
      replaces: null,
      origin: 'engine',
      intentId: null,
      strategyId: null,
      fencingToken: 1,
      referencePrice: null,
    });

    const { report, metrics } = await invoke(onDemand);
    expect(report.outcome, report.summary).toBe('problems');
    expect(report.table.columns).toEqual([
      'kind',
      'symbol',
      'client_order_id',
      'engine',
      'broker',
      'seen in',
    ]);
    expect([...report.table.rows].sort()).toEqual(
      [
        ['missing_position', 'AAPL', '', '0', '10', 'store'],
        ['quantity_mismatch', 'MSFT', '', '4', '6', 'store'],
        ['extra_order', 'AAPL', 'planted-extra-order', '0/2 filled', 'not open', 'store'],
      ].sort(),
    );
    expect(metrics.ReconciliationDifferences).toBe(3);
    expect(metrics.ReconcileFailed).toBe(1);
    const stored2 = await store.listOpsReports('reconcile', newYorkDate(Date.now()));
    expect(stored2.items.at(-1)?.detail.differences).toHaveLength(3);
    // It reads only: the venue saw no order from it, and the positions are as they were.
    expect(await venue.orders()).toHaveLength(ordersBefore.length);
    expect(await venue.positions()).toEqual({ AAPL: '10', MSFT: '6' });
  });

  it('still compares the store when the engine API does not answer, and says the API was not read', async () => {
    const { report } = await invoke(onDemand, { engineUrl: 'http://127.0.0.1:9' });
    expect(report.outcome).toBe('problems');
    expect(report.summary).toContain('engine store');
    expect(report.summary).toMatch(/could not read engine API/);
    expect(report.table.rows.every((cells) => cells[5] === 'store')).toBe(true);
  });

  it.each([
    [
      'a 5xx',
      { kind: 'status', status: 500 },
      /reading the broker's positions: the broker failed \(HTTP 500\)/,
    ],
    [
      'a 429',
      { kind: 'status', status: 429 },
      /reading the broker's positions: rate limited by the broker \(429\)/,
    ],
  ])(
    'reports %s from the broker as a failed run with the alarm metric, never an exception',
    async (_name, fault, message) => {
      await venue.fault({ ...fault, method: 'GET', path: '/v2/positions' });
      const { report, metrics } = await invoke(onDemand);
      expect(report.outcome).toBe('failed');
      expect(report.summary).toMatch(message);
      expect(metrics.ReconcileFailed).toBe(1);
    },
  );

  it('reports refused keys (401) and a broker that does not answer in time as failed runs', async () => {
    const wrongKeys = new AlpacaTradingClient({
      baseUrl: stack.simulator.baseUrl,
      credentials: { keyId: 'WRONG', secretKey: 'WRONG' },
    });
    const refused = await invoke(onDemand, { broker: wrongKeys });
    await wrongKeys.close();
    expect(refused.report.outcome).toBe('failed');
    expect(refused.report.summary).toMatch(/refused the keys \(HTTP 401\)/);
    expect(refused.metrics.ReconcileFailed).toBe(1);

    await venue.fault({ kind: 'timeout', method: 'GET', path: '/v2/positions' });
    const slow = new AlpacaTradingClient({
      baseUrl: stack.simulator.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
      timeoutMs: 300,
    });
    const timedOut = await invoke(onDemand, { broker: slow });
    await slow.close();
    expect(timedOut.report.outcome).toBe('failed');
    expect(timedOut.report.summary).toMatch(/did not answer in time/);
    expect(timedOut.metrics.ReconcileFailed).toBe(1);
  });
});
