/**
 * One engine per account, with real engine processes: a second engine stands by while the
 * first trades; when the first is paused (SIGSTOP) past its lease the second takes over, and
 * the first, resumed, sends nothing more and exits. When the second is then killed with a working
 * order, the watchdog cancels it once the lease lapses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWatchdog } from '../../functions/watchdog/local-watchdog-timer.ts';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../shared/store/dynamo-lease-store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import {
  type EngineProcess,
  engineConfig,
  ROOT,
  startEngine,
  storeReader,
} from '../support/engine-process.ts';
import { tempFolder } from '../support/temp-files.ts';

const TABLE_PREFIX = 'one-engine';
const ACCOUNT = 'one-engine';
const SIM_CREDENTIALS = { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };
const ACCEPTED = /"msg":"order (accepted|found after an unknown outcome|already placed)"/;

describe('One engine per account (real engine processes)', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let dynamo: LocalDynamo;
  const engines: EngineProcess[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 11,
      symbols: ['AAPL', 'MSFT'],
      messagesPerSecond: 400,
      // The paused engine keeps its market-data socket open; Alpaca's limit of one would hold
      // the new engine's feed in its 406 back-off for a minute.
      marketDataConnectionsPerKey: 2,
    });
    dynamo = await startLocalDynamo({ tablePrefix: TABLE_PREFIX });
    const risk = readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8')
      .replace('max_consecutive_losses = 5', 'max_consecutive_losses = 100000')
      .replace('max_fills = 50', 'max_fills = 100000');
    folder.write('risk_limits.toml', risk);
  });

  afterAll(async () => {
    for (const engine of engines) {
      if (engine.child.exitCode === null) {
        engine.child.kill('SIGCONT');
        engine.child.kill('SIGKILL');
      }
    }
    await simulator?.close();
    await dynamo?.close();
    folder.remove();
  });

  it('lets exactly one engine trade, and fences a paused one out after takeover', async () => {
    const config = folder.write(
      'system.json',
      engineConfig({
        simulatorPort: simulator.port,
        dynamo,
        tablePrefix: TABLE_PREFIX,
        account: ACCOUNT,
        strategies: [{ type: 'mid-price-momentum', id: 'lease', period: 3, thresholdBps: 0, entryQty: '1' }],
      }),
    );
    const first = startEngine(config);
    engines.push(first);
    await first.waitFor(/trading state reconciled; entries resume/, 30_000);
    await first.waitFor(ACCEPTED, 30_000);

    const second = startEngine(config);
    engines.push(second);
    const started = await second.waitFor(/"msg":"engine started"/, 30_000);
    const api = /"api":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(started)![1]!;
    await second.waitFor(/another engine holds the account; standing by/, 30_000);
    const health = (await (await fetch(`${api}/health`)).json()) as {
      status: string;
      checks: { reason: string };
    };
    expect(health.status).toBe('degraded');
    expect(health.checks.reason).toMatch(/another engine holds the account/);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(second.lines.some((line) => ACCEPTED.test(line))).toBe(false);

    // The first engine hangs: its lease lapses and the standby takes over and trades.
    first.child.kill('SIGSTOP');
    await second.waitFor(/trading state reconciled; entries resume/, 30_000);
    await second.waitFor(ACCEPTED, 30_000);

    first.child.kill('SIGCONT');
    const resumedAtMs = Date.now();
    expect(await first.exited).toBe(3);
    expect(first.lines.some((line) => /engine refuses to trade/.test(line) && /lease/.test(line))).toBe(true);
    // The orders are the new holder's now: the fenced-out engine cancelled nothing.
    expect(first.lines.filter((line) => /after the lease was lost: working orders/.test(line))).toStrictEqual(
      [expect.stringMatching(/"outcome":"held"/)],
    );
    // Its log may still report orders after the pause: answers to requests it had sent before
    // the SIGSTOP arrive once it runs again. What matters is when the venue received them.
    const acceptedIds = first.lines
      .filter((line) => ACCEPTED.test(line))
      .map((line) => /"orderId":"([^"]+)"/.exec(line)?.[1]);
    const venue = new AlpacaTradingClient({ baseUrl: simulator.baseUrl, credentials: SIM_CREDENTIALS });
    const venueOrders = await venue.listOrders({ status: 'all', limit: 500 });
    await venue.close();
    const sentAfterResume = venueOrders.filter(
      (order) => acceptedIds.includes(order.id) && order.createdAtMs > resumedAtMs,
    );
    expect(sentAfterResume).toStrictEqual([]);

    // The second engine dies with a working order: the watchdog cancels it once the lease lapses.
    const broker = new AlpacaTradingClient({ baseUrl: simulator.baseUrl, credentials: SIM_CREDENTIALS });
    const resting = await broker.submitOrder({
      symbol: 'AAPL',
      qty: parseFixed('1'),
      side: 'buy',
      type: 'limit',
      limitPrice: parseFixed('1'),
      timeInForce: 'gtc',
      clientOrderId: 'manual-resting-1',
    });
    await second.waitFor(/"clientOrderId":"manual-resting-1".*"msg":"working order adopted"/, 30_000);
    second.child.kill('SIGKILL');
    await second.exited;
    const killedAtMs = Date.now();
    const leaseClient = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    const watchdog = startLocalWatchdog({
      leases: new DynamoLeaseStore({ client: leaseClient, table: dynamo.tables.lease, account: ACCOUNT }),
      broker,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      intervalMs: 60_000,
    });
    let outcome = await watchdog.runOnce();
    while (outcome.outcome === 'held' && Date.now() - killedAtMs < 70_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      outcome = await watchdog.runOnce();
    }
    await watchdog.close();
    leaseClient.destroy();
    expect(outcome).toMatchObject({ outcome: 'cancelled', summary: { failed: 0 } });
    expect((await broker.getOrder(resting.id))?.status).toBe('canceled');
    await broker.close();

    // The store agrees: no order went out under the first engine's fencing token after the pause.
    const reader = storeReader(dynamo, TABLE_PREFIX, ACCOUNT);
    const orders = (await reader.store.listOrders()).items;
    await reader.close(100);
    const tokens = new Set(orders.map((order) => order.fencingToken));
    expect(tokens.size).toBeGreaterThanOrEqual(2);
    const firstToken = Math.min(...orders.map((order) => order.fencingToken ?? Number.POSITIVE_INFINITY));
    expect(
      orders.filter((order) => order.fencingToken === firstToken && order.createdAtMs > resumedAtMs),
    ).toStrictEqual([]);
  }, 120_000);
});
