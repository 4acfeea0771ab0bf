/**
 * Risk's decisions carried out by a running engine: engine processes (node engine/main.ts) with
 * the local store, against the simulator, prices driven through the simulator's admin API, and
 * every outcome read at the venue — its orders and positions — not from the engine's events.
 *
 * Positions are opened at the venue by the test (as a trader might by hand), so the engine finds
 * them at reconciliation or adopts them from the stream: either way they are protected.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isOwnClientOrderId } from '../../engine/execution/client-order-id.ts';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { type Fixed, formatFixed, parseFixed } from '../../shared/domain/fixed.ts';
import type { OrderSide } from '../../shared/domain/order.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { bearer } from '../support/api-tokens.ts';
import { type EngineProcess, engineConfig, ROOT, startEngine } from '../support/engine-process.ts';
import { tempFolder } from '../support/temp-files.ts';
import { VenueAdmin } from '../support/venue-admin.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'AMZN', 'NVDA'];
const TABLE_PREFIX = 'risk-actions';

interface RunningEngine {
  readonly process: EngineProcess;
  readonly api: string;
}

describe('Risk actions through a running engine (engine processes, simulator, local store)', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let dynamo: LocalDynamo;
  let venue: VenueAdmin;
  let engine: RunningEngine | undefined;
  let accounts = 0;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: TABLE_PREFIX });
  });

  afterEach(async () => {
    if (engine !== undefined && engine.process.child.exitCode === null) {
      engine.process.child.kill('SIGTERM');
      await engine.process.exited;
    }
    engine = undefined;
    await venue?.close();
    await simulator?.close();
  });

  afterAll(async () => {
    await dynamo?.close();
    folder.remove();
  });

  /** A fresh venue per test, so orders and positions are only this test's. */
  async function openVenue(latencyMs = 0): Promise<void> {
    // The test reads the venue with the engine's key while it waits; a larger venue quota keeps its
    // polling from spending the engine's 200 requests a minute (the engine's own budget is unchanged).
    simulator = await startSimulator({
      port: 0,
      seed: 11,
      symbols: SYMBOLS,
      messagesPerSecond: 200,
      latencyMs,
      rateLimitPerMinute: 5_000,
    });
    venue = new VenueAdmin(simulator.baseUrl);
  }

  /** Risk limits as shipped, with the given lines changed. */
  function riskFile(name: string, changes: Record<string, string> = {}): string {
    let text = readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8');
    for (const [key, value] of Object.entries(changes)) {
      const pattern = new RegExp(`^${key} = .*$`, 'm');
      expect(pattern.test(text), `risk_limits.toml has ${key}`).toBe(true);
      text = text.replace(pattern, `${key} = ${value}`);
    }
    return folder.write(name, text);
  }

  /** Starts an engine (its own store account) and waits until it has reconciled with the venue. */
  async function startTrading(
    options: { risk?: Record<string, string>; strategies?: unknown[]; account?: string } = {},
  ): Promise<RunningEngine> {
    const account = options.account ?? `risk-actions-${++accounts}`;
    const config = engineConfig({
      simulatorPort: simulator.port,
      dynamo,
      tablePrefix: TABLE_PREFIX,
      account,
      strategies: options.strategies ?? [],
      symbols: SYMBOLS,
    });
    const process = startEngine(
      folder.write(`${account}.json`, config),
      {},
      riskFile(`${account}.toml`, options.risk),
    );
    const started = await process.waitFor(/"msg":"engine started"/, 30_000);
    const api = /"api":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(started)![1]!;
    await process.waitFor(/trading state reconciled; entries resume/, 30_000);
    engine = { process, api };
    return engine;
  }

  async function open(symbol: string, side: OrderSide, qty: string): Promise<void> {
    const before = parseFixed((await venue.positions())[symbol] ?? '0');
    await venue.broker.submitOrder({
      symbol,
      qty: parseFixed(qty),
      side,
      type: 'market',
      timeInForce: 'day',
      clientOrderId: `manual-${symbol}-${side}-${Date.now()}`,
    });
    const signed = (side === 'buy' ? parseFixed(qty) : -parseFixed(qty)) as Fixed;
    await venue.until(
      `${symbol} position`,
      async () => (await venue.positions())[symbol] ?? '0',
      (qtyText) => parseFixed(qtyText) === before + signed,
    );
  }

  async function resting(symbol: string, side: OrderSide, qty: string, limitPrice: string): Promise<string> {
    const clientOrderId = `resting-${symbol}-${side}-${Date.now()}`;
    await venue.broker.submitOrder({
      symbol,
      qty: parseFixed(qty),
      side,
      type: 'limit',
      limitPrice: parseFixed(limitPrice),
      timeInForce: 'gtc',
      clientOrderId,
    });
    return clientOrderId;
  }

  async function flat(symbol: string): Promise<void> {
    await venue.until(
      `${symbol} flat at the venue`,
      async () => (await venue.positions())[symbol] ?? '0',
      (qty) => qty === '0',
    );
  }

  /** Orders the engine sent (their deterministic client_order_ids are the engine's own). */
  async function engineOrders(symbol: string) {
    return (await venue.orders(symbol)).filter((order) => isOwnClientOrderId(order.clientOrderId));
  }

  async function post(
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${engine!.api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer('admin') },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('stop loss: a long and a short position whose price moves through the stop are closed at the venue', async () => {
    await openVenue();
    await venue.quote('AAPL', 100, 100.02);
    await venue.quote('MSFT', 200, 200.02);
    await open('AAPL', 'buy', '10');
    await open('MSFT', 'sell', '5');
    // A wide trailing stop, so the 2 % stop loss is the one that fires.
    const running = await startTrading({ risk: { trailing_stop_pct: '50.0' } });

    await venue.quote('AAPL', 97, 97.02); // 3 % under the entry of 100.02
    await venue.quote('MSFT', 206, 206.02); // 3 % over the entry of 200
    await flat('AAPL');
    await flat('MSFT');

    const aaplExits = await engineOrders('AAPL');
    const msftExits = await engineOrders('MSFT');
    expect(aaplExits.map((order) => [order.side, order.status, order.filledQty])).toStrictEqual([
      ['sell', 'filled', parseFixed('10')],
    ]);
    expect(msftExits.map((order) => [order.side, order.status, order.filledQty])).toStrictEqual([
      ['buy', 'filled', parseFixed('5')],
    ]);
    const stops = running.process.lines.filter((line) => line.includes('"type":"stop_triggered"'));
    expect(
      stops.map((line) => /"kind":"(\w+)".*"symbol":"(\w+)"/.exec(line)?.slice(1).join(' ')),
    ).toStrictEqual(['stop_loss AAPL', 'stop_loss MSFT']);
  }, 90_000);

  it('trailing stop: after the price rises, a 1.5 % fall from the high closes the position', async () => {
    await openVenue();
    await venue.quote('AMZN', 100, 100.02);
    await open('AMZN', 'buy', '10');
    await startTrading();

    for (const bid of [104, 108, 110]) await venue.quote('AMZN', bid, bid + 0.02);
    // 1.36 % under the high of 110: inside the trail, and far above the 2 % stop loss at 98.02.
    await venue.quote('AMZN', 108.5, 108.52);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await venue.positions()).AMZN).toBe('10');
    expect(await engineOrders('AMZN')).toStrictEqual([]);

    await venue.quote('AMZN', 108.3, 108.32); // 1.55 % under the high
    await flat('AMZN');
    const exits = await engineOrders('AMZN');
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ side: 'sell', status: 'filled', filledQty: parseFixed('10') });
  }, 90_000);

  it('a stop with working orders in the symbol cancels them first: no oversell, no wash trade', async () => {
    await openVenue();
    await venue.quote('NVDA', 100, 100.02);
    await open('NVDA', 'buy', '10');
    // A resting buy (the exit would trade against it: a potential wash trade) and a resting sell
    // holding 4 of the 10 shares (an exit for 10 would oversell what is available).
    const buy = await resting('NVDA', 'buy', '5', '90');
    const sell = await resting('NVDA', 'sell', '4', '130');
    await startTrading();

    await venue.quote('NVDA', 95, 95.02);
    await flat('NVDA');
    const orders = await venue.orders('NVDA');
    const byClientId = new Map(orders.map((order) => [order.clientOrderId, order]));
    expect(byClientId.get(buy)?.status).toBe('canceled');
    expect(byClientId.get(sell)?.status).toBe('canceled');
    const exits = orders.filter((order) => isOwnClientOrderId(order.clientOrderId));
    expect(exits.map((order) => [order.side, order.status, order.filledQty])).toStrictEqual([
      ['sell', 'filled', parseFixed('10')],
    ]);
    const refused = await venue.refusedRequests();
    expect(refused['403'] ?? 0).toBe(0);
    expect(refused['422'] ?? 0).toBe(0);
  }, 90_000);

  it('an order that fills as the stop cancels it: the exit is sized from what is left', async () => {
    await openVenue();
    await venue.quote('MSFT', 100, 100.02);
    await open('MSFT', 'buy', '10');
    const takeProfit = await resting('MSFT', 'sell', '4', '97');
    await startTrading();

    // One quote both fills the resting sell at 97 and crosses the stop (97 < 98.02): its cancel
    // finds it filled, and the exit sells the 6 that remain, never 10.
    await venue.quote('MSFT', 97, 97.02);
    await flat('MSFT');
    const orders = await venue.orders('MSFT');
    expect(orders.find((order) => order.clientOrderId === takeProfit)).toMatchObject({
      status: 'filled',
      filledQty: parseFixed('4'),
    });
    const exits = orders.filter((order) => isOwnClientOrderId(order.clientOrderId));
    expect(exits.map((order) => [order.side, order.status, order.filledQty])).toStrictEqual([
      ['sell', 'filled', parseFixed('6')],
    ]);
  }, 90_000);

  it('an exit that the book fills in parts ends flat, never oversold', async () => {
    await openVenue();
    await venue.quote('AMZN', 100, 100.02);
    await open('AMZN', 'buy', '10');
    await startTrading();
    // Three shares at the bid per quote: the exit needs several quotes, or several exits.
    await venue.quote('AMZN', 95, 95.02, 3);
    await flat('AMZN');
    const exits = await engineOrders('AMZN');
    const sold = exits.reduce((total, order) => total + order.filledQty, 0n);
    expect(sold).toBe(parseFixed('10'));
    expect(exits.every((order) => order.side === 'sell')).toBe(true);
    expect((await venue.refusedRequests())['403'] ?? 0).toBe(0);
  }, 90_000);

  it('an exit refused as a potential wash trade is sent again once the way is clear', async () => {
    await openVenue();
    await venue.quote('AAPL', 100, 100.02);
    await open('AAPL', 'buy', '10');
    const running = await startTrading();
    await venue.fault({
      kind: 'status',
      status: 403,
      method: 'POST',
      path: '/v2/orders',
      message: 'potential wash trade detected. use complex orders',
    });
    await venue.quote('AAPL', 95, 95.02);
    await flat('AAPL');
    expect(
      running.process.lines.some((line) => /"msg":"exit refused"/.test(line) && /wash trade/.test(line)),
    ).toBe(true);
    const exits = await engineOrders('AAPL');
    expect(exits.map((order) => [order.side, order.status, order.filledQty])).toStrictEqual([
      ['sell', 'filled', parseFixed('10')],
    ]);
  }, 90_000);

  it('killed right after a stop triggers and restarted: exactly one exit order exists at the venue', async () => {
    // Orders take a second to reach the market, so the kill lands while the exit is on its way.
    await openVenue(1_000);
    await venue.quote('AAPL', 100, 100.02);
    await open('AAPL', 'buy', '10');
    const first = await startTrading({ account: 'risk-actions-restart' });
    await venue.quote('AAPL', 95, 95.02);
    await first.process.waitFor(/"msg":"closing position"/, 10_000);
    first.process.child.kill('SIGKILL');
    await first.process.exited;

    await startTrading({ account: 'risk-actions-restart' });
    await flat('AAPL');
    // Long enough for a second exit to have appeared, had one been sent.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const exits = await engineOrders('AAPL');
    expect(exits.map((order) => [order.side, order.status, order.filledQty])).toStrictEqual([
      ['sell', 'filled', parseFixed('10')],
    ]);
  }, 120_000);

  it('kill switch: cancels every order, flattens every position, halts, refuses entries, and acts once', async () => {
    await openVenue();
    for (const symbol of SYMBOLS) await venue.quote(symbol, 100, 100.02);
    await open('AAPL', 'buy', '10');
    await open('MSFT', 'sell', '6');
    await open('AMZN', 'buy', '3');
    const working = [
      await resting('AAPL', 'buy', '2', '90'),
      await resting('MSFT', 'sell', '2', '120'),
      await resting('NVDA', 'buy', '1', '80'),
    ];
    await startTrading({
      strategies: [{ type: 'mid-price-momentum', id: 'momentum', period: 3, thresholdBps: 0, entryQty: '1' }],
    });

    // Concurrent requests: one plan, the rest refused as already in force.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post('/kill-switch', { operator: 'alice', reason: 'runaway test' })),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(
      answers.filter((answer) => answer.status === 409).map((answer) => answer.body.error),
    ).toStrictEqual(Array.from({ length: 19 }, () => 'kill_switch_in_force'));

    for (const symbol of ['AAPL', 'MSFT', 'AMZN']) await flat(symbol);
    await venue.until(
      'working orders cancelled',
      () => venue.orders(),
      (orders) =>
        working.every((id) => orders.find((order) => order.clientOrderId === id)?.status === 'canceled'),
    );
    const status = (await (await fetch(`${engine!.api}/status`, { headers: bearer('read') })).json()) as {
      risk: { breaker: string };
    };
    expect(status.risk.breaker).toBe('halted');

    // Prices keep moving and the strategy keeps deciding, but nothing new reaches the venue, and
    // replaying the request changes nothing.
    const settled = (await venue.orders()).length;
    for (const bid of [101, 102, 103, 104]) {
      for (const symbol of SYMBOLS) await venue.quote(symbol, bid, bid + 0.02);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const replay = await post('/kill-switch', { operator: 'alice', reason: 'runaway test' });
    expect(replay).toMatchObject({ status: 409, body: { error: 'kill_switch_in_force' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await venue.orders()).length).toBe(settled);
    expect(await venue.positions()).toStrictEqual({});
    const refused = await venue.refusedRequests();
    expect(refused['403'] ?? 0).toBe(0);
  }, 120_000);

  /** Realized P&L of a flat venue account: what its filled orders sold for minus what they cost. */
  async function venueRealizedPnl(): Promise<bigint> {
    let total = 0n;
    for (const order of await venue.orders()) {
      if (order.filledQty === 0n || order.filledAvgPrice === null) continue;
      const notional = (order.filledQty * order.filledAvgPrice) / 1_000_000_000n;
      total += order.side === 'sell' ? notional : -notional;
    }
    return total;
  }

  /** Broker-held stops: a strategy buys AAPL; returns once the venue holds the position. */
  async function enterWithBrokerStops(
    risk: Record<string, string>,
    strategy: Record<string, unknown> = {},
  ): Promise<RunningEngine> {
    await openVenue();
    await venue.quote('AAPL', 100, 100.02);
    const account = `broker-stops-${++accounts}`;
    const running = await startTrading({
      account,
      risk: { mode: '"broker"', ...risk },
      strategies: [
        {
          type: 'mid-price-momentum',
          id: 'momentum',
          symbols: ['AAPL'],
          period: 3,
          thresholdBps: 10,
          entryQty: '5',
          ...strategy,
        },
      ],
    });
    // A rising mid until the strategy buys (a loaded machine may need more than the first rise).
    for (let bid = 100.5; (await venue.positions()).AAPL !== '5'; bid += 0.5) {
      expect(bid, 'the strategy bought AAPL on a rising price').toBeLessThan(103);
      await venue.quote('AAPL', bid, bid + 0.02);
      await venue
        .until(
          'AAPL bought',
          async () => (await venue.positions()).AAPL,
          (qty) => qty === '5',
          5_000,
        )
        .catch(() => undefined);
    }
    return running;
  }

  async function stopAndRestart(running: RunningEngine, account: string, risk: Record<string, string>) {
    running.process.child.kill('SIGTERM');
    expect(await running.process.exited).toBe(0);
    return async () => {
      const restarted = await startTrading({ account, risk: { mode: '"broker"', ...risk } });
      const status = (await (await fetch(`${restarted.api}/status`, { headers: bearer('read') })).json()) as {
        positions: unknown[];
        pnl: { realized: string };
      };
      expect(status.positions).toStrictEqual([]);
      expect(await venue.positions()).toStrictEqual({});
      expect(parseFixed(status.pnl.realized)).toBe(await venueRealizedPnl());
    };
  }

  it("broker-held stops: a bracket entry's stop leg fills while the engine is stopped; after restart its position and P&L equal the venue's", async () => {
    // A take-profit 3 % above each entry makes it a bracket, whose stop leg stays the protection.
    const risk = {};
    const running = await enterWithBrokerStops(risk, { takeProfitBps: 300 });
    const entry = (await engineOrders('AAPL')).find((order) => order.side === 'buy');
    expect(entry?.orderClass).toBe('bracket');
    const legs = (await venue.orders('AAPL')).filter((order) => order.side === 'sell');
    const leg = legs.find((order) => order.type === 'stop');
    const takeProfit = legs.find((order) => order.type === 'limit');
    expect(leg).toMatchObject({ status: 'new', qty: parseFixed('5'), orderClass: 'bracket' });
    expect(takeProfit).toMatchObject({ status: 'new', qty: parseFixed('5'), orderClass: 'bracket' });
    // 2 % under the entry's limit, rounded down to the cent; the take-profit 3 % over it.
    const limit = Number(formatFixed(entry!.limitPrice!));
    expect(leg?.stopPrice).toBe(parseFixed((Math.floor(limit * 0.98 * 100) / 100).toFixed(2)));
    expect(takeProfit?.limitPrice).toBe(parseFixed((Math.round(limit * 1.03 * 100) / 100).toFixed(2)));
    // A second later the engine has left the bracket as it is (no trailing-stop swap for brackets).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await venue.orders('AAPL')).filter((order) => order.side === 'sell')).toHaveLength(2);

    const restart = await stopAndRestart(running, `broker-stops-${accounts}`, risk);
    const underTheStop = Number(formatFixed(leg!.stopPrice!)) - 0.5;
    await venue.quote('AAPL', underTheStop, underTheStop + 0.02);
    await flat('AAPL');
    const after = await venue.orders('AAPL');
    expect(after.find((order) => order.id === leg?.id)?.status).toBe('filled');
    expect(after.find((order) => order.id === takeProfit?.id)?.status).toBe('canceled');
    await restart();
  }, 90_000);

  it('broker-held stops: a trailing_stop order replaces the leg and fills while the engine is stopped', async () => {
    const running = await enterWithBrokerStops({});
    // Trailing 1.5 % is tighter than the 2 % stop loss from the entry on: the leg is swapped for a
    // trailing_stop order for the whole position.
    const trailing = await venue.until(
      'trailing_stop order working',
      async () =>
        (await venue.orders('AAPL')).filter((order) => order.side === 'sell' && order.status !== 'canceled'),
      (orders) => orders.length === 1 && orders[0]!.type === 'trailing_stop' && orders[0]!.status === 'new',
    );
    expect(trailing[0]).toMatchObject({
      qty: parseFixed('5'),
      trailPercent: parseFixed('1.5'),
      timeInForce: 'gtc',
    });

    const restart = await stopAndRestart(running, `broker-stops-${accounts}`, {});
    for (const bid of [103, 105]) await venue.quote('AAPL', bid, bid + 0.02);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await venue.positions()).AAPL).toBe('5');
    await venue.quote('AAPL', 103.3, 103.32); // 1.6 % under the high of 105
    await flat('AAPL');
    await restart();
  }, 90_000);

  it('every operator refusal answers with its specific code', async () => {
    await openVenue();
    // A strategy that never trades: losing round trips would open the breaker's loss cooldown,
    // and the reset at the end would rightly answer 'reducing'.
    await startTrading({
      strategies: [
        { type: 'mid-price-momentum', id: 'momentum', period: 3, thresholdBps: 1_000_000, entryQty: '1' },
      ],
    });
    const action = { operator: 'alice', reason: 'checking refusals' };
    expect(await post('/circuit-breaker/reset', action)).toMatchObject({
      status: 409,
      body: { error: 'breaker_not_open' },
    });
    expect(await post('/strategies/nope/enable', action)).toMatchObject({
      status: 404,
      body: { error: 'unknown_strategy' },
    });
    expect(await post('/strategies/momentum/enable', action)).toMatchObject({
      status: 409,
      body: { error: 'strategy_enabled' },
    });
    expect(await post('/kill-switch', action)).toMatchObject({ status: 200 });
    expect(await post('/kill-switch', action)).toMatchObject({
      status: 409,
      body: { error: 'kill_switch_in_force' },
    });
    expect(await post('/circuit-breaker/reset', action)).toMatchObject({
      status: 200,
      body: { breaker: 'normal' },
    });
  }, 60_000);
});
