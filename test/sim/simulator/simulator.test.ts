import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { orderSchema } from '../../../shared/broker/alpaca/trading-schemas.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { StreamClient } from '../stream/stream-client.ts';
import { buyAtMarket, REGULAR_SESSION_MS, rest } from '../trading/sim-client.ts';

describe('startSimulator composition', () => {
  const started: Simulator[] = [];
  afterEach(async () => {
    for (const sim of started.splice(0)) await sim.close();
  });

  async function start(options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
    const sim = await startSimulator(options);
    started.push(sim);
    return sim;
  }

  async function generatedFills(seed: number): Promise<unknown[]> {
    const clock = new ManualClock(REGULAR_SESSION_MS);
    const sim = await start({
      clock,
      seed,
      symbols: ['AAPL', 'MSFT'],
      messagesPerSecond: 2000,
      latencyMs: 3,
    });
    sim.advanceTo(REGULAR_SESSION_MS + 1000);
    const ids: string[] = [];
    for (const [index, symbol] of ['AAPL', 'MSFT', 'AAPL'].entries()) {
      ids.push((await buyAtMarket(sim, symbol, 20 + index)).id);
      sim.advanceTo(clock.nowMs() + 250);
    }
    sim.advanceTo(clock.nowMs() + 5000);
    const orders = [];
    for (const id of ids) orders.push(orderSchema.parse((await rest(sim, 'GET', `/v2/orders/${id}`)).body));
    return orders;
  }

  it('fills against the generated market on virtual time, the same way for the same seed', async () => {
    const first = await generatedFills(11);
    const second = await generatedFills(11);
    expect(second).toStrictEqual(first);
    for (const order of first as { status: string; filled_avg_price: string }[]) {
      expect(order.status).toBe('filled');
      expect(Number(order.filled_avg_price)).toBeGreaterThan(0);
    }
    const other = await generatedFills(12);
    expect(
      (other as { filled_avg_price: string }[]).map((order) => order.filled_avg_price),
    ).not.toStrictEqual((first as { filled_avg_price: string }[]).map((order) => order.filled_avg_price));
  });

  it('stamps a fill on virtual time with the time of the quote it took', async () => {
    const clock = new ManualClock(REGULAR_SESSION_MS);
    const sim = await start({ clock, seed: 5, symbols: ['AAPL'], messagesPerSecond: 2000 });
    sim.advanceTo(REGULAR_SESSION_MS + 1000);
    const ask = sim.market.latestQuote('AAPL')!.askPrice;
    const placed = await rest(sim, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: 1,
      side: 'buy',
      type: 'limit',
      limit_price: (ask - 0.05).toFixed(2),
      time_in_force: 'day',
    });
    const quoteTimes = new Set<number>();
    const unsubscribe = sim.market.onQuote((quote) => quoteTimes.add(quote.timestampUs));
    sim.advanceTo(REGULAR_SESSION_MS + 600_000);
    unsubscribe();
    const order = orderSchema.parse((await rest(sim, 'GET', `/v2/orders/${placed.body.id}`)).body);
    expect(order.status).toBe('filled');
    const filledUs = Date.parse(order.filled_at!) * 1000 + Number(order.filled_at!.slice(23, 26));
    expect(quoteTimes.has(filledUs)).toBe(true);
    expect(filledUs).toBeLessThan((REGULAR_SESSION_MS + 600_000) * 1000);
  });

  it('serves market data and trading on one port', async () => {
    const sim = await start({ clock: new ManualClock(REGULAR_SESSION_MS), symbols: ['AAPL'] });
    sim.advanceTo(REGULAR_SESSION_MS + 2000);
    const latest = await rest(sim, 'GET', '/v2/stocks/AAPL/quotes/latest');
    expect(latest.status).toBe(200);
    expect((await rest(sim, 'GET', '/v2/account')).status).toBe(200);
    const unknown = await rest(sim, 'GET', '/nothing/here');
    expect(unknown.status).toBe(404);
    const refused = new WebSocket(`ws://127.0.0.1:${sim.port}/not-a-stream`);
    const [error] = await once(refused, 'error');
    expect(String(error)).toContain('404');
  });

  it('fills on wall time against the running generator and closes every socket on close', async () => {
    const sim = await startSimulator({ symbols: ['AAPL'], messagesPerSecond: 2000 });
    const stream = await StreamClient.listening(
      sim.tradeUpdatesUrl,
      DEFAULT_SIM_KEY_ID,
      DEFAULT_SIM_SECRET_KEY,
    );
    const data = new WebSocket(`ws://127.0.0.1:${sim.port}/v2/test`);
    await once(data, 'open');
    await buyAtMarket(sim, 'AAPL', 1);
    await stream.waitForUpdates(3, 5000);
    expect(stream.updates().map((update) => update.event)).toContain('fill');
    const dataClosed = once(data, 'close');
    await sim.close();
    await stream.waitClosed();
    await dataClosed;
    expect(stream.closed).toBe(true);
  });

  it('refuses advanceTo on wall time and backwards moves on virtual time', async () => {
    const wall = await start({ symbols: ['AAPL'], messagesPerSecond: 10 });
    expect(() => wall.advanceTo(Date.now())).toThrow('ManualClock');
    const clock = new ManualClock(REGULAR_SESSION_MS);
    const virtual = await start({ clock, symbols: ['AAPL'] });
    expect(() => virtual.advanceTo(REGULAR_SESSION_MS - 1)).toThrow(RangeError);
  });
});

describe('npm run sim', () => {
  it('prints its port, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['sim/main.ts', '--port', '0', '--rate', '100', '--symbols', 'AAPL'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /port=(\d+)/.exec(output);
        if (match !== null) resolve(Number(match[1]));
      });
      child.once('exit', () => reject(new Error(`exited early: ${output}`)));
    });
    const clock = await fetch(`http://127.0.0.1:${port}/v2/clock`, {
      headers: { 'APCA-API-KEY-ID': DEFAULT_SIM_KEY_ID, 'APCA-API-SECRET-KEY': DEFAULT_SIM_SECRET_KEY },
    });
    expect(clock.status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).not.toContain(DEFAULT_SIM_SECRET_KEY);
  });

  it.each([
    [['--port', 'x'], '--port must be a whole number'],
    [
      ['--replay', 'test/fixtures/marketdata/missing.ndjson'],
      '--replay "test/fixtures/marketdata/missing.ndjson" does not exist',
    ],
  ])('exits 2 with the usage on a bad flag: %j', async (argv, problem) => {
    const child = spawn(process.execPath, ['sim/main.ts', ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      errors += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(errors).toContain(problem);
    expect(errors).toContain('usage: npm run sim');
  });
});
