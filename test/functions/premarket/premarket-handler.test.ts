/**
 * The pre-market check Lambda handler with real peers: a running engine process (its HTTP API and
 * its lease in dynalite), the simulator's account, clock, calendar and positions, and the report
 * stored in dynalite. Invoked with the event EventBridge Scheduler sends; broker failures armed at
 * the simulator; the EMF output checked for the alarm metrics.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPremarketHandler } from '../../../functions/premarket/premarket-handler.ts';
import { EngineApiClient } from '../../../shared/api/engine-api-client.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { type Config, loadConfig } from '../../../shared/config/load-config.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import type { OpsReport } from '../../../shared/ops/ops-report.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { newYorkDate, newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { TEST_API_TOKENS } from '../../support/api-tokens.ts';
import {
  type EngineOnSimulator,
  SHIPPED_RISK_FILE,
  startEngineOnSimulator,
} from '../../support/engine-on-simulator.ts';
import { captureOutput, emfMetrics, lambdaContext } from '../../support/lambda-harness.ts';
import { tempFolder } from '../../support/temp-files.ts';
import { VenueAdmin } from '../../support/venue-admin.ts';

const TABLE_PREFIX = 'premarket-handler';
const NINE_AM = 9 * 60;

function scheduledEvent(atMs: number) {
  return {
    job: 'premarket',
    trigger: 'schedule',
    scheduledTime: new Date(atMs).toISOString(),
    executionId: `exec-${atMs}`,
  };
}

describe('Function: createPremarketHandler (engine process, simulator and dynalite over loopback)', () => {
  const folder = tempFolder();
  /** The engine on a simulator with the market always open (every day a session), on wall time. */
  let stack: EngineOnSimulator;
  /** NYSE hours and calendar, for sessions, holidays, closures and broker faults. */
  let nyse: Simulator;
  let nyseVenue: VenueAdmin;
  let config: Config;
  let runs = 0;

  beforeAll(async () => {
    stack = await startEngineOnSimulator({
      folder,
      tablePrefix: TABLE_PREFIX,
      account: 'premarket-acct',
      seed: 5,
    });
    config = loadConfig({ systemFile: stack.configFile, riskFile: SHIPPED_RISK_FILE, env: {} });
    nyse = await startSimulator({
      port: 0,
      seed: 6,
      symbols: ['AAPL'],
      sessionHours: 'nyse',
      rateLimitPerMinute: 5_000,
    });
    nyseVenue = new VenueAdmin(nyse.baseUrl);
  });

  afterAll(async () => {
    await nyseVenue?.close();
    await nyse?.close();
    await stack?.close();
    folder.remove();
  });

  /**
   * Runs the handler as the Lambda runtime would: at 09:00 New York on `date` against the NYSE-hours
   * simulator, or with `date` 'today' at wall time against the engine's simulator.
   */
  async function invoke(
    date: string,
    options: { account?: string; broker?: AlpacaTradingClient; engineUrl?: string; event?: unknown } = {},
  ) {
    const live = date === 'today';
    const nowMs = live ? Date.now() : newYorkToUtcMs(date, NINE_AM);
    const day = newYorkDate(nowMs);
    const venueUrl = live ? stack.simulator.baseUrl : nyse.baseUrl;
    const account = options.account ?? 'premarket-acct';
    const store = new DynamoStore({ client: stack.client, tables: stack.dynamo.tables, account });
    const broker =
      options.broker ??
      new AlpacaTradingClient({
        baseUrl: venueUrl,
        credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
      });
    const handler = createPremarketHandler({
      broker: async () => broker,
      engine: async () =>
        new EngineApiClient({
          baseUrl: options.engineUrl ?? stack.api,
          token: TEST_API_TOKENS.read,
          timeoutMs: 2_000,
        }),
      leases: new DynamoLeaseStore({ client: stack.client, table: stack.dynamo.tables.lease, account }),
      config: () => config,
      reports: store,
      clock: new ManualClock(nowMs),
      logger: new Logger({ serviceName: 'premarket' }),
      metrics: new Metrics({ namespace: 'Trading', serviceName: 'premarket' }),
    });
    runs += 1;
    const { result, lines } = await captureOutput(
      () =>
        handler(
          options.event ?? scheduledEvent(nowMs),
          lambdaContext('premarket', `run-${runs}`) as never,
        ) as Promise<OpsReport>,
    );
    if (options.broker === undefined) await broker.close();
    return {
      report: result,
      metrics: emfMetrics(lines),
      stored: await store.listOpsReports('premarket', day),
    };
  }

  const row = (report: OpsReport, name: string) => report.table.rows.find((cells) => cells[0] === name);

  it('passes every check on a normal session with a running engine, and stores the report', async () => {
    await stack.venue.broker.submitOrder({
      symbol: 'AAPL',
      qty: parseFixed('3'),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId: `premarket-${Date.now()}`,
    });
    await stack.venue.until(
      'AAPL position',
      () => stack.venue.positions(),
      (positions) => positions.AAPL === '3',
    );
    const { report, metrics, stored } = await invoke('today');
    expect(report.outcome, report.summary).toBe('ok');
    expect(report.table.rows.map((cells) => cells[0])).toEqual([
      'engine_health',
      'engine_ready',
      'broker_account',
      'market_clock',
      'positions_limits',
      'config',
      'lease',
    ]);
    for (const cells of report.table.rows) expect(['pass', 'warn'], cells.join(' | ')).toContain(cells[1]);
    expect(row(report, 'broker_account')![1]).toBe('pass');
    expect(row(report, 'positions_limits')![2]).toContain('1 open position(s)');
    expect(row(report, 'lease')![2]).toMatch(/^held by .+ \(fencing token \d+\)/);
    expect(metrics.PremarketFailed).toBe(0);
    expect(metrics.PremarketCheckLeaseFailed).toBe(0);
    expect(metrics.PremarketCheckEngineHealthFailed).toBe(0);
    expect(stored.items.map((item) => item.runId)).toEqual([report.runId]);
    expect(stored.items[0]!.table).toEqual(report.table);
  });

  it('notes a half day and its 13:00 close (the day after Thanksgiving)', async () => {
    const { report } = await invoke('2026-11-27');
    expect(report.summary).toContain('session 09:30–13:00 (half day)');
    expect(row(report, 'market_clock')![2]).toContain('half day: closes 13:00');
  });

  it('skips a holiday and says when the next session is', async () => {
    const { report, metrics, stored } = await invoke('2026-11-26');
    expect(report.outcome).toBe('skipped');
    expect(report.summary).toContain('no session on 2026-11-26');
    expect(report.summary).toContain('next session 2026-11-27');
    expect(metrics.PremarketFailed).toBe(0);
    expect(stored.items).toHaveLength(1);
  });

  it("skips a one-off closure the broker's calendar announces", async () => {
    const response = await fetch(`${nyse.baseUrl}/admin/trading/calendar/closures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ date: '2026-12-08' }),
    });
    expect(response.status).toBe(200);
    try {
      const { report } = await invoke('2026-12-08');
      expect(report.outcome).toBe('skipped');
      expect(report.summary).toContain('next session 2026-12-09');
    } finally {
      await fetch(`${nyse.baseUrl}/admin/trading/calendar/closures`, { method: 'DELETE' });
    }
  });

  it('fails the engine and lease checks for an account no engine runs, naming why', async () => {
    const { report, metrics } = await invoke('today', {
      account: 'premarket-nobody',
      engineUrl: 'http://127.0.0.1:9',
    });
    expect(report.outcome).toBe('problems');
    expect(row(report, 'engine_health')).toEqual([
      'engine_health',
      'fail',
      expect.stringContaining('did not answer'),
    ]);
    expect(row(report, 'lease')).toEqual([
      'lease',
      'fail',
      expect.stringContaining('no engine has ever taken the lease'),
    ]);
    expect(metrics.PremarketFailed).toBe(1);
    expect(metrics.PremarketCheckLeaseFailed).toBe(1);
    expect(metrics.PremarketCheckBrokerAccountFailed).toBe(0);
  });

  it.each([
    ['a 5xx', { kind: 'status', status: 503 }, /broker failed \(HTTP 503\)/],
    ['a 429', { kind: 'status', status: 429 }, /rate limited by the broker \(429\)/],
  ])('reports %s from the broker as a failed run with the alarm metric', async (_name, fault, message) => {
    await nyseVenue.fault({ ...fault, method: 'GET', path: '/v2/calendar' });
    const { report, metrics, stored } = await invoke('2026-12-03', { account: 'premarket-faults' });
    expect(report.outcome).toBe('failed');
    expect(report.summary).toMatch(message);
    expect(metrics.PremarketFailed).toBe(1);
    expect(stored.items.at(-1)?.outcome).toBe('failed');
  });

  it('reports refused keys (401) and a broker that does not answer in time as failed runs', async () => {
    const wrongKeys = new AlpacaTradingClient({
      baseUrl: nyse.baseUrl,
      credentials: { keyId: 'WRONG', secretKey: 'WRONG' },
    });
    const refused = await invoke('2026-12-03', { account: 'premarket-faults', broker: wrongKeys });
    await wrongKeys.close();
    expect(refused.report.outcome).toBe('failed');
    expect(refused.report.summary).toMatch(/refused the keys \(HTTP 401\)/);
    expect(refused.report.summary).not.toContain('WRONG');
    expect(refused.metrics.PremarketFailed).toBe(1);

    await nyseVenue.fault({ kind: 'timeout', method: 'GET', path: '/v2/calendar' });
    const slow = new AlpacaTradingClient({
      baseUrl: nyse.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
      timeoutMs: 300,
    });
    const timedOut = await invoke('2026-12-03', { account: 'premarket-faults', broker: slow });
    await slow.close();
    expect(timedOut.report.outcome).toBe('failed');
    expect(timedOut.report.summary).toMatch(/did not answer in time/);
    expect(timedOut.metrics.PremarketFailed).toBe(1);
  });

  it('answers a malformed invocation event with a failed report naming the problem', async () => {
    const { report, metrics } = await invoke('2026-12-03', {
      account: 'premarket-faults',
      event: { job: 'reconcile', trigger: 'schedule' },
    });
    expect(report.outcome).toBe('failed');
    expect(report.summary).toContain('this function runs premarket');
    expect(metrics.PremarketFailed).toBe(1);
  });
});
