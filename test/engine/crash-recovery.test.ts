/**
 * Nothing lost across crashes: an engine process trading against the simulator is killed with
 * SIGKILL at random points and restarted, 20 times. Afterwards every order the simulator holds
 * is one the engines sent (no duplicates), the store holds every order and exactly the filled
 * quantity of each, and the engine's positions equal the simulator's.
 *
 * The kill points come from a seeded generator; set CRASH_SEED to replay a run.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ORDER_ID_PREFIX } from '../../engine/execution/client-order-id.ts';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { formatFixed } from '../../shared/domain/fixed.ts';
import { newYorkDate } from '../../shared/time/new-york-time.ts';
import type { VenueOrder } from '../../shared/venue/venue-types.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { bearer } from '../support/api-tokens.ts';
import {
  type EngineProcess,
  engineConfig,
  ROOT,
  startEngine,
  storeReader,
} from '../support/engine-process.ts';
import { tempFolder } from '../support/temp-files.ts';

const KILLS = 20;
const SEED = Number(process.env.CRASH_SEED ?? 20_261_124);
const TABLE_PREFIX = 'crash-test';
const ACCOUNT = 'crash-test';

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('Crash recovery: SIGKILL at random points, restart, reconcile', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let dynamo: LocalDynamo;
  let broker: AlpacaTradingClient;
  let running: EngineProcess | undefined;

  function writeConfig(name: string, strategies: unknown[]): string {
    return folder.write(
      name,
      engineConfig({
        simulatorPort: simulator.port,
        dynamo,
        tablePrefix: TABLE_PREFIX,
        account: ACCOUNT,
        strategies,
      }),
    );
  }

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, seed: 7, symbols: ['AAPL', 'MSFT'], messagesPerSecond: 400 });
    dynamo = await startLocalDynamo({ tablePrefix: TABLE_PREFIX });
    broker = new AlpacaTradingClient({
      baseUrl: simulator.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
    // Keep trading through every kill: the breaker and latches are tested elsewhere.
    const risk = readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8')
      .replace('max_consecutive_losses = 5', 'max_consecutive_losses = 100000')
      .replace('daily_loss_limit_usd = 5000', 'daily_loss_limit_usd = 9000')
      .replace('max_fills = 50', 'max_fills = 100000');
    folder.write('risk_limits.toml', risk);
  });

  afterAll(async () => {
    if (running !== undefined && running.child.exitCode === null) running.child.kill('SIGKILL');
    await broker?.close();
    await simulator?.close();
    await dynamo?.close();
    folder.remove();
  });

  it(`recovers from ${KILLS} kills with every order and fill accounted for (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const trading = writeConfig('trading.json', [
      { type: 'mid-price-momentum', id: 'crash', period: 3, thresholdBps: 0, entryQty: '2' },
    ]);
    for (let kill = 0; kill < KILLS; kill++) {
      running = startEngine(trading);
      await running.waitFor(/trading state reconciled; entries resume/, 30_000);
      // Anywhere from just after recovery to a couple of seconds into trading.
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 2_000)));
      running.child.kill('SIGKILL');
      await running.exited;
    }

    // A last engine with no strategy recovers, reconciles and stops cleanly.
    running = startEngine(writeConfig('quiet.json', []));
    const started = await running.waitFor(/"msg":"engine started"/, 30_000);
    const api = /"api":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(started)![1]!;
    await running.waitFor(/trading state reconciled; entries resume/, 30_000);

    // Compare while nothing moves: read the broker, then the engine, then the broker again.
    let ours: unknown;
    let theirs: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      const before = await broker.listPositions();
      const status = (await (await fetch(`${api}/status`, { headers: bearer('read') })).json()) as {
        positions: { symbol: string; qty: string }[];
      };
      const after = await broker.listPositions();
      const brokerView = after.map((position) => ({
        symbol: position.symbol,
        qty: formatFixed(position.qty),
      }));
      const moved =
        before.map((p) => `${p.symbol}=${formatFixed(p.qty)}`).join() !==
        after.map((p) => `${p.symbol}=${formatFixed(p.qty)}`).join();
      if (moved) continue;
      ours = status.positions
        .map(({ symbol, qty }) => ({ symbol, qty }))
        .sort((a, b) => a.symbol.localeCompare(b.symbol));
      theirs = brokerView.sort((a, b) => a.symbol.localeCompare(b.symbol));
      if (JSON.stringify(ours) === JSON.stringify(theirs)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ours).toStrictEqual(theirs);

    running.child.kill('SIGTERM');
    // Exit 3 is a halt (lease lost, a fatal stream): the engine's last lines say which.
    expect(await running.exited, running.lines.slice(-12).join('\n')).toBe(0);

    const orders: VenueOrder[] = await broker.listOrders({ status: 'all', limit: 500, direction: 'asc' });
    expect(orders.length).toBeGreaterThan(KILLS);
    // No duplicates: client_order_id derives from the intent, the broker holds each once, and
    // every order there was sent by one of our engines.
    const clientOrderIds = orders.map((order) => order.clientOrderId);
    expect(new Set(clientOrderIds).size).toBe(clientOrderIds.length);
    expect(clientOrderIds.every((id) => id.startsWith(`${CLIENT_ORDER_ID_PREFIX}-`))).toBe(true);

    const reader = storeReader(dynamo, TABLE_PREFIX, ACCOUNT);
    const stored = await reader.store.listOrders();
    const storedFills = await reader.store.listFills(newYorkDate(Date.now()));
    await reader.close(100);
    expect(stored.problems).toStrictEqual([]);
    expect(storedFills.problems).toStrictEqual([]);

    // Nothing lost: every order at the broker is in the store, with its final status, and the
    // stored fills of each add up to exactly what the broker filled.
    const storedById = new Map(stored.items.map((order) => [order.clientOrderId, order]));
    const filledByOrder = new Map<string, bigint>();
    for (const fill of storedFills.items)
      filledByOrder.set(fill.clientOrderId, (filledByOrder.get(fill.clientOrderId) ?? 0n) + fill.qty);
    const mismatches = orders.flatMap((order) => {
      const record = storedById.get(order.clientOrderId);
      const storedQty = filledByOrder.get(order.clientOrderId) ?? 0n;
      const problems: string[] = [];
      if (record === undefined) problems.push('missing from the store');
      else if (record.origin !== 'engine') problems.push(`origin ${record.origin}`);
      if (storedQty !== order.filledQty)
        problems.push(
          `stored fills ${formatFixed(storedQty as never)} vs filled ${formatFixed(order.filledQty)}`,
        );
      return problems.length === 0
        ? []
        : [`${order.clientOrderId} (${order.status}): ${problems.join(', ')}`];
    });
    expect(mismatches).toStrictEqual([]);
    expect(storedFills.items.length).toBeGreaterThan(0);
  }, 600_000);
});
