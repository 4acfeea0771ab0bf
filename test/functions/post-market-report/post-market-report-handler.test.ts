/**
 * The post-market report Lambda handler invoked with EventBridge Scheduler's event against real
 * peers over loopback: the simulator (NYSE hours, virtual time) as the broker, dynalite as the
 * state table, fauxqs as S3. The trading day is placed at the simulator and recorded in the store
 * as the engine records it (orders with their reference price, each execution, the position after
 * it), and the report's figures are checked against the venue's own executions and positions.
 */
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readPostMarketReportEnvironment } from '../../../functions/post-market-report/post-market-report-environment.ts';
import { createPostMarketReportHandler } from '../../../functions/post-market-report/post-market-report-handler.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { loadFeeRates } from '../../../shared/config/load-config.ts';
import type { Fill } from '../../../shared/domain/fill.ts';
import { type Fixed, formatFixed, parseFixed } from '../../../shared/domain/fixed.ts';
import { PositionLedger } from '../../../shared/domain/position-ledger.ts';
import type { OpsReport } from '../../../shared/ops/ops-report.ts';
import { money } from '../../../shared/ops/post-market/report-document.ts';
import { S3ArtifactStore } from '../../../shared/ops/s3-artifact-store.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { storedOrderFrom } from '../../../shared/store/items/order-item.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { type LocalS3, startLocalS3 } from '../../support/local-s3.ts';

const f = parseFixed;
const FEES = loadFeeRates(join(import.meta.dirname, '../../../config/fees.toml'));
const BUCKET = 'trading-reports';
const KEYS = { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };
let invocation = 0;

const lambdaContext = (requestId: string) => ({
  awsRequestId: requestId,
  functionName: 'post-market-report',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:post-market-report',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/post-market-report',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
});

/** EventBridge Scheduler's target input for the report schedule at a New York time. */
function schedulerEvent(date: string, minuteOfDay: number) {
  return {
    job: 'report',
    trigger: 'schedule',
    scheduledTime: new Date(newYorkToUtcMs(date, minuteOfDay)).toISOString().replace('.000Z', 'Z'),
    executionId: `exec-${date}-${minuteOfDay}`,
  };
}

/** Every JSON line the Powertools logger and metrics print while `act` runs. */
async function captureOutput(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(collect),
    vi.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Function: createPostMarketReportHandler (simulator, dynalite, fauxqs S3 over loopback)', () => {
  let dynamo: LocalDynamo;
  let documents: ReturnType<typeof createDocumentClient>;
  let localS3: LocalS3;
  let s3: S3Client;
  let sim: Simulator | undefined;
  const clients: AlpacaTradingClient[] = [];

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'post-market-test' });
    documents = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    localS3 = await startLocalS3({ buckets: [BUCKET] });
    s3 = localS3.client;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await sim?.close();
    sim = undefined;
  });

  afterAll(async () => {
    await localS3.close();
    documents.destroy();
    await dynamo.close();
  });

  async function startDay(startMs: number, closedDates: string[] = []) {
    const clock = new ManualClock(startMs);
    sim = await startSimulator({
      clock,
      sessionHours: 'nyse',
      market: 'scripted',
      symbols: ['AAPL', 'MSFT'],
      closedDates,
      logger: pino({ level: 'silent' }),
    });
    return { clock, sim };
  }

  function brokerClient(options: { keyId?: string; timeoutMs?: number } = {}): AlpacaTradingClient {
    const client = new AlpacaTradingClient({
      baseUrl: sim!.baseUrl,
      credentials: { ...KEYS, ...(options.keyId === undefined ? {} : { keyId: options.keyId }) },
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    clients.push(client);
    return client;
  }

  function storeFor(account: string): DynamoStore {
    return new DynamoStore({ client: documents, tables: dynamo.tables, account });
  }

  function handlerFor(clock: ManualClock, store: DynamoStore, broker: AlpacaTradingClient) {
    return createPostMarketReportHandler({
      store,
      broker: async () => broker,
      artifacts: new S3ArtifactStore({ client: s3, bucket: BUCKET }),
      feeRates: () => FEES,
      clock,
      logger: new Logger({ serviceName: 'post-market-report' }),
      metrics: new Metrics({ namespace: 'Trading', serviceName: 'post-market-report' }),
    });
  }

  async function invoke(
    handler: ReturnType<typeof handlerFor>,
    event: unknown,
  ): Promise<{ report: OpsReport; emf: Record<string, unknown> | undefined }> {
    let report: OpsReport | undefined;
    invocation += 1;
    const lines = await captureOutput(async () => {
      report = (await handler(event, lambdaContext(`req-${invocation}`) as never)) as OpsReport;
    });
    return { report: report!, emf: lines.find((line) => '_aws' in line) };
  }

  async function readObject(key: string): Promise<string> {
    const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return answer.Body!.transformToString();
  }

  /** Trades at the simulator and records what the engine would: the order, each execution, the position after it. */
  function trader(clock: ManualClock, store: DynamoStore, broker: AlpacaTradingClient) {
    const executions: Fill[] = [];
    const ledgers = new Map<string, PositionLedger>();
    sim!.trading.engine.onEvent((event) => {
      if (event.execution === undefined) return;
      executions.push({
        executionId: event.execution.id,
        orderId: event.order.id,
        clientOrderId: event.order.clientOrderId,
        symbol: event.order.symbol,
        side: event.order.side,
        qty: event.execution.qty,
        price: event.execution.price,
        timestampMs: Math.floor(event.timestampUs / 1000),
      });
    });
    let sequence = 0;
    return {
      executions,
      async trade(symbol: string, side: 'buy' | 'sell', qty: string, referencePrice: Fixed) {
        sequence += 1;
        const clientOrderId = `ae1-report-${sequence}`;
        const seen = executions.length;
        await broker.submitOrder({
          symbol,
          side,
          qty: f(qty),
          type: 'market',
          timeInForce: 'day',
          clientOrderId,
        });
        sim!.advanceTo(clock.nowMs() + 1);
        const order = await broker.getOrderByClientOrderId(clientOrderId);
        expect(order?.status).toBe('filled');
        await store.putOrder(
          storedOrderFrom(order!, {
            origin: 'engine',
            intentId: `intent-${sequence}`,
            strategyId: 'test',
            fencingToken: 1,
            referencePrice,
          }),
        );
        for (const fill of executions.slice(seen)) {
          await store.putFill(fill);
          const ledger = ledgers.get(symbol) ?? new PositionLedger();
          ledgers.set(symbol, ledger);
          ledger.applyFill(fill.side, fill.qty, fill.price);
          await store.putPosition({
            symbol,
            assetClass: 'us_equity',
            qty: ledger.qty,
            avgEntryPrice: ledger.avgEntryPrice,
            realizedPnl: ledger.realizedPnl,
            asOfMs: fill.timestampMs,
          });
        }
      },
    };
  }

  const quote = (symbol: string, bid: number, ask: number) => {
    const result = sim!.market.setQuote(symbol, {
      bidPrice: bid,
      askPrice: ask,
      bidSize: 1000,
      askSize: 1000,
    });
    if (!result.ok) throw new Error(result.reason);
  };

  it('reports a full day at 16:15, not at 13:15, with figures that match the venue, to S3 and the store', async () => {
    // Monday 2026-11-23 10:00 New York: the position the day opens with.
    const { clock } = await startDay(newYorkToUtcMs('2026-11-23', 600));
    const store = storeFor('report-full');
    const broker = brokerClient();
    const day = trader(clock, store, broker);
    quote('AAPL', 100, 100.02);
    await day.trade('AAPL', 'buy', '10', f('100.01'));

    // Tuesday 2026-11-24: add 5 AAPL, sell 8, buy 20 MSFT; one risk denial.
    sim!.advanceTo(newYorkToUtcMs('2026-11-24', 600));
    quote('AAPL', 101, 101.02);
    await day.trade('AAPL', 'buy', '5', f('101.01'));
    sim!.advanceTo(newYorkToUtcMs('2026-11-24', 660));
    quote('AAPL', 103, 103.02);
    await day.trade('AAPL', 'sell', '8', f('103.01'));
    quote('MSFT', 50, 50.02);
    await day.trade('MSFT', 'buy', '20', f('50.01'));
    await store.putRiskEvent({
      eventId: 'risk-1',
      atMs: clock.nowMs(),
      kind: 'order_denied',
      reasonCode: 'max_position',
      symbol: 'MSFT',
      intentId: 'intent-9',
      detail: {},
    });
    const [open, added, sold] = day.executions.map((fill) => fill.price);
    expect([open, added, sold]).toStrictEqual([f('100.02'), f('101.02'), f('103')]);

    const handler = handlerFor(clock, store, broker);
    sim!.advanceTo(newYorkToUtcMs('2026-11-24', 13 * 60 + 15));
    const early = await invoke(handler, schedulerEvent('2026-11-24', 13 * 60 + 15));
    expect(early.report).toMatchObject({
      outcome: 'skipped',
      summary: 'the market closes at 16:00 on 2026-11-24; the report runs at 16:15',
    });
    expect(early.emf).toMatchObject({ ReportFailed: 0 });

    sim!.advanceTo(newYorkToUtcMs('2026-11-24', 16 * 60 + 15));
    const { report, emf } = await invoke(handler, schedulerEvent('2026-11-24', 16 * 60 + 15));
    expect(report.outcome, report.summary).toBe('ok');
    expect(emf).toMatchObject({ ReportFailed: 0 });

    // Realized by average cost from the venue's prices: 8 × (103 − (10 × 100.02 + 5 × 101.02) / 15).
    const positions = await broker.listPositions();
    const account = await broker.getAccount();
    const unrealized = positions.reduce((sum, position) => sum + (position.unrealizedPnl ?? 0n), 0n);
    const detail = report.detail as Record<string, Record<string, unknown>>;
    expect(detail.pnl).toMatchObject({
      realized: '21.173333333',
      unrealized: formatted(unrealized),
      equity: formatted(account.equity),
      equityChange: formatted(account.equity - account.lastEquity),
      // The one sale: SEC 824 × 27.80e-6 → 0.03, TAF 8 × 0.000166 → 0.01.
      estimatedFees: '0.04',
    });
    expect(detail.counts).toStrictEqual({
      trades: 3,
      fills: 3,
      ordersOfDay: 3,
      riskEvents: 1,
      breakerTransitions: 0,
    });
    expect(detail.slippage).toMatchObject({ count: 3, unmeasured: 0, worstOrder: 'ae1-report-4' });
    expect(positions.map((position) => [position.symbol, position.qty])).toStrictEqual([
      ['AAPL', f('7')],
      ['MSFT', f('20')],
    ]);
    expect(report.table.rows.at(-1)).toStrictEqual([
      'total',
      '3',
      '',
      '',
      '21.17',
      '',
      money(unrealized as Fixed),
    ]);
    expect(report.summary).toContain('realized 21.17');

    const markdown = await readObject('reports/2026-11-24/post-market-2026-11-24.md');
    const html = await readObject('reports/2026-11-24/post-market-2026-11-24.html');
    expect(markdown).toMatch(/^# Post-market report 2026-11-24\n/);
    expect(markdown).toContain('| realized (from fills) | 21.17 |');
    expect(markdown).toContain('estimated');
    expect(markdown).toContain('Alpaca computes and charges these fees itself');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<td>21.17</td>');
    expect(html).not.toMatch(/<script|<link|src=|href=/);

    const stored = await store.listOpsReports('report', '2026-11-24');
    expect(stored.items.map((item) => item.outcome)).toStrictEqual(['skipped', 'ok']);

    const again = await invoke(handler, schedulerEvent('2026-11-24', 16 * 60 + 15));
    expect(again.report.outcome).toBe('skipped');
    expect(again.report.summary).toMatch(/already done/);
    const forced = await invoke(handler, { job: 'report', trigger: 'on-demand' });
    expect(forced.report.outcome).toBe('ok');
  });

  it('reports a half day (the day after Thanksgiving, 13:00 close) at 13:15', async () => {
    const { clock } = await startDay(newYorkToUtcMs('2026-11-27', 12 * 60 + 30));
    const store = storeFor('report-half');
    const handler = handlerFor(clock, store, brokerClient());
    const before = await invoke(handler, schedulerEvent('2026-11-27', 12 * 60 + 30));
    expect(before.report.summary).toBe('the market closes at 13:00 on 2026-11-27; the report runs at 13:15');
    sim!.advanceTo(newYorkToUtcMs('2026-11-27', 13 * 60 + 15));
    const { report } = await invoke(handler, schedulerEvent('2026-11-27', 13 * 60 + 15));
    expect(report).toMatchObject({ outcome: 'ok', newYorkDate: '2026-11-27' });
    expect(await readObject('reports/2026-11-27/post-market-2026-11-27.md')).toContain('Session 09:30–13:00');
    sim!.advanceTo(newYorkToUtcMs('2026-11-27', 16 * 60 + 15));
    expect((await invoke(handler, schedulerEvent('2026-11-27', 16 * 60 + 15))).report.outcome).toBe(
      'skipped',
    );
  });

  it.each([
    ['a holiday (Thanksgiving)', '2026-11-26', []],
    ['a one-off closure', '2026-12-03', ['2026-12-03']],
  ])('skips %s and says there is no session', async (_name, date, closedDates) => {
    const { clock } = await startDay(newYorkToUtcMs(date, 16 * 60 + 15), closedDates);
    const handler = handlerFor(clock, storeFor(`report-closed-${date}`), brokerClient());
    const { report, emf } = await invoke(handler, schedulerEvent(date, 16 * 60 + 15));
    expect(report).toMatchObject({
      outcome: 'skipped',
      summary: `no trading session on ${date} in the broker's calendar`,
    });
    expect(emf).toMatchObject({ ReportFailed: 0 });
  });

  it.each([
    ['a 500', { kind: 'status', status: 500 }, {}, /the broker failed \(HTTP 500\)/],
    ['a 429', { kind: 'status', status: 429 }, {}, /rate limited by the broker \(429\)/],
    ['a timeout', { kind: 'timeout' }, { timeoutMs: 300 }, /did not answer in time/],
    ['a 401 (wrong keys)', null, { keyId: 'WRONGKEY' }, /refused the keys \(HTTP 401\)/],
  ] as const)(
    'fails with the reason and ReportFailed = 1 on %s from the broker',
    async (_name, fault, options, reason) => {
      const { clock } = await startDay(newYorkToUtcMs('2026-11-24', 16 * 60 + 15));
      if (fault !== null) {
        const answer = await fetch(`${sim!.baseUrl}/admin/trading/faults/rest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...fault, when: 'before', method: 'GET', path: '/v2/calendar', count: 1 }),
        });
        expect(answer.status).toBe(200);
      }
      const store = storeFor(`report-fault-${_name.replaceAll(/[^a-z0-9]/g, '')}`);
      const handler = handlerFor(clock, store, brokerClient(options));
      const { report, emf } = await invoke(handler, schedulerEvent('2026-11-24', 16 * 60 + 15));
      expect(report.outcome).toBe('failed');
      expect(report.summary).toMatch(
        /^post-market report for 2026-11-24 failed: could not read the broker's calendar: /,
      );
      expect(report.summary).toMatch(reason);
      expect(emf).toMatchObject({ ReportFailed: 1 });
      expect(
        (await store.listOpsReports('report', '2026-11-24')).items.map((item) => item.outcome),
      ).toStrictEqual(['failed']);
    },
  );

  it('names every missing or invalid setting of its environment', () => {
    expect(() => readPostMarketReportEnvironment({ AWS_REGION: 'us-east-1', TRADING_URL: 'nope' })).toThrow(
      /ACCOUNT_NAME: .*STATE_TABLE_NAME: .*TRADING_URL: .*BROKER_SECRET_ID: .*REPORT_BUCKET: /,
    );
  });
});

const formatted = (value: bigint): string => formatFixed(value as Fixed);
