import { afterEach, describe, expect, it } from 'vitest';
import { accountSchema, orderSchema, positionSchema } from '../../../shared/broker/alpaca/trading-schemas.ts';
import { quote, rest, startVirtualSim, type VirtualSim } from './sim-client.ts';

const order = (fields: Record<string, unknown>) => ({
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type: 'market',
  time_in_force: 'day',
  ...fields,
});

describe('matching: order types and time in force on a virtual clock', () => {
  let running: VirtualSim;
  afterEach(async () => {
    await running.sim.close();
  });

  async function place(fields: Record<string, unknown>) {
    const answer = await rest(running.sim, 'POST', '/v2/orders', order(fields));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return orderSchema.parse(answer.body);
  }

  async function fetchOrder(id: string) {
    return orderSchema.parse((await rest(running.sim, 'GET', `/v2/orders/${id}`)).body);
  }

  const advance = (ms: number) => running.sim.advanceTo(running.clock.nowMs() + ms);

  it('fills a market order at the touch after the latency and books position and cash exactly', async () => {
    running = await startVirtualSim({ latencyMs: 50 });
    quote(running.sim, 'AAPL', 187.64, 187.65);
    const placed = await place({ qty: 10 });
    expect(placed.status).toBe('pending_new');
    expect(placed.filled_qty).toBe('0');
    advance(49);
    expect((await fetchOrder(placed.id)).status).toBe('pending_new');
    advance(1);
    const filled = await fetchOrder(placed.id);
    expect(filled).toMatchObject({ status: 'filled', filled_qty: '10', filled_avg_price: '187.65' });
    expect(filled.filled_at).not.toBeNull();
    const position = positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body);
    expect(position).toMatchObject({
      qty: '10',
      side: 'long',
      avg_entry_price: '187.65',
      cost_basis: '1876.5',
    });
    const account = accountSchema.parse((await rest(running.sim, 'GET', '/v2/account')).body);
    expect(account.cash).toBe('98123.5');
  });

  it('applies the slippage model to market fills, adverse and rounded to the tick', async () => {
    running = await startVirtualSim({ slippage: { fixedBps: 10, sizeImpactBps: 0 } });
    quote(running.sim, 'AAPL', 99.99, 100);
    const buy = await place({ qty: 1 });
    advance(0);
    expect((await fetchOrder(buy.id)).filled_avg_price).toBe('100.1');
    const sell = await place({ side: 'sell', qty: 1 });
    advance(0);
    expect((await fetchOrder(sell.id)).filled_avg_price).toBe('99.89');
  });

  it('fills partially by the shown size and completes on the next quote', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02, 500, 3);
    const placed = await place({ qty: 5 });
    advance(0);
    expect(await fetchOrder(placed.id)).toMatchObject({ status: 'partially_filled', filled_qty: '3' });
    quote(running.sim, 'AAPL', 100, 100.04, 500, 10);
    const done = await fetchOrder(placed.id);
    expect(done).toMatchObject({ status: 'filled', filled_qty: '5', filled_avg_price: '100.028' });
  });

  it('lets two orders share one quote only up to its size', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02, 500, 4);
    const first = await place({ qty: 3 });
    const second = await place({ qty: 3 });
    advance(0);
    expect((await fetchOrder(first.id)).filled_qty).toBe('3');
    expect((await fetchOrder(second.id)).filled_qty).toBe('1');
  });

  it('rests a limit order until the market crosses it and fills at the better touch', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.1);
    const placed = await place({ type: 'limit', limit_price: '99.95' });
    advance(0);
    expect((await fetchOrder(placed.id)).status).toBe('new');
    quote(running.sim, 'AAPL', 99.9, 99.96);
    expect((await fetchOrder(placed.id)).status).toBe('new');
    quote(running.sim, 'AAPL', 99.88, 99.9);
    expect(await fetchOrder(placed.id)).toMatchObject({ status: 'filled', filled_avg_price: '99.9' });
  });

  it('fills a resting limit order when the touch comes to exactly its price', async () => {
    // 1.36 and 1.14: prices whose float copy once came out an ulp off the wire's (below for the
    // buy, above for the sell), so the quote's touch seemed not to reach the limit.
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 1.3, 1.4);
    const buy = await place({ type: 'limit', limit_price: '1.36', qty: 10 });
    advance(0);
    quote(running.sim, 'AAPL', 1.3, 1.36);
    expect(await fetchOrder(buy.id)).toMatchObject({ status: 'filled', filled_avg_price: '1.36' });
    quote(running.sim, 'AAPL', 1.1, 1.2);
    const sell = await place({ side: 'sell', type: 'limit', limit_price: '1.14', qty: 10 });
    advance(0);
    expect((await fetchOrder(sell.id)).status).toBe('new');
    quote(running.sim, 'AAPL', 1.14, 1.2);
    expect(await fetchOrder(sell.id)).toMatchObject({ status: 'filled', filled_avg_price: '1.14' });
  });

  it('triggers a stop at the stop price and then fills as a market order', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    await place({ qty: 10 });
    advance(0);
    const stop = await place({ side: 'sell', type: 'stop', stop_price: '99', qty: 10 });
    advance(0);
    quote(running.sim, 'AAPL', 99.5, 99.52);
    expect((await fetchOrder(stop.id)).status).toBe('new');
    quote(running.sim, 'AAPL', 98.9, 98.95);
    expect(await fetchOrder(stop.id)).toMatchObject({ status: 'filled', filled_avg_price: '98.9' });
  });

  it('triggers a stop_limit and then respects its limit', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    const stopLimit = await place({ type: 'stop_limit', stop_price: '101', limit_price: '101.05' });
    advance(0);
    quote(running.sim, 'AAPL', 101.05, 101.1);
    expect(await fetchOrder(stopLimit.id)).toMatchObject({ status: 'new' });
    quote(running.sim, 'AAPL', 101, 101.04);
    expect(await fetchOrder(stopLimit.id)).toMatchObject({ status: 'filled', filled_avg_price: '101.04' });
  });

  it('moves a trailing stop with the high-water mark and triggers on the pullback', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    await place({ qty: 10 });
    advance(0);
    const trailing = await place({
      side: 'sell',
      type: 'trailing_stop',
      trail_price: '1',
      qty: 10,
      time_in_force: 'gtc',
    });
    advance(0);
    expect(await fetchOrder(trailing.id)).toMatchObject({ hwm: '100', stop_price: '99' });
    quote(running.sim, 'AAPL', 105, 105.02);
    quote(running.sim, 'AAPL', 104.5, 104.52);
    expect(await fetchOrder(trailing.id)).toMatchObject({ status: 'new', hwm: '105', stop_price: '104' });
    quote(running.sim, 'AAPL', 103.99, 104.01);
    expect(await fetchOrder(trailing.id)).toMatchObject({ status: 'filled', filled_avg_price: '103.99' });
  });

  it('tracks a trailing stop by percent', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 200, 200.02);
    const trailing = await place({ type: 'trailing_stop', trail_percent: '2.5', time_in_force: 'day' });
    advance(0);
    expect(await fetchOrder(trailing.id)).toMatchObject({ hwm: '200.02', stop_price: '205.03' });
    quote(running.sim, 'AAPL', 190, 190.02);
    expect(await fetchOrder(trailing.id)).toMatchObject({ hwm: '190.02', stop_price: '194.78' });
  });

  it('cancels the unfilled rest of an ioc order', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02, 100, 4);
    const ioc = await place({ qty: 10, time_in_force: 'ioc' });
    advance(0);
    expect(await fetchOrder(ioc.id)).toMatchObject({ status: 'canceled', filled_qty: '4' });
  });

  it('fills a fok order whole or not at all', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02, 100, 4);
    const refused = await place({ qty: 10, time_in_force: 'fok', type: 'limit', limit_price: '100.05' });
    const accepted = await place({ qty: 4, time_in_force: 'fok', type: 'limit', limit_price: '100.05' });
    advance(0);
    expect(await fetchOrder(refused.id)).toMatchObject({ status: 'canceled', filled_qty: '0' });
    expect(await fetchOrder(accepted.id)).toMatchObject({ status: 'filled', filled_qty: '4' });
  });

  it('expires a day order at New York midnight in always mode and keeps a gtc order', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    const day = await place({ type: 'limit', limit_price: '90' });
    const gtc = await place({ type: 'limit', limit_price: '90', time_in_force: 'gtc' });
    running.sim.advanceTo(Date.UTC(2026, 2, 11, 3, 59, 59));
    expect((await fetchOrder(day.id)).status).toBe('new');
    running.sim.advanceTo(Date.UTC(2026, 2, 11, 4, 0, 0));
    const expired = await fetchOrder(day.id);
    expect(expired.status).toBe('expired');
    expect(expired.expired_at).toBe('2026-03-11T04:00:00.000000000Z');
    expect((await fetchOrder(gtc.id)).status).toBe('new');
  });

  it('expires a day order at the regular close in nyse mode and marks gtc done_for_day until the open', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' });
    quote(running.sim, 'AAPL', 100, 100.02);
    const day = await place({ type: 'limit', limit_price: '90' });
    const gtc = await place({ type: 'limit', limit_price: '90', time_in_force: 'gtc' });
    running.sim.advanceTo(Date.UTC(2026, 2, 10, 20, 0, 0));
    expect((await fetchOrder(day.id)).status).toBe('expired');
    expect((await fetchOrder(gtc.id)).status).toBe('done_for_day');
    running.sim.advanceTo(Date.UTC(2026, 2, 11, 13, 30, 0));
    expect((await fetchOrder(gtc.id)).status).toBe('new');
  });

  it('holds orders as accepted until the regular session in nyse mode unless extended_hours', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' }, Date.UTC(2026, 2, 10, 12, 0, 0));
    quote(running.sim, 'AAPL', 100, 100.02);
    const regular = await place({});
    const extended = await place({ type: 'limit', limit_price: '100.05', extended_hours: true });
    advance(0);
    expect((await fetchOrder(regular.id)).status).toBe('accepted');
    expect((await fetchOrder(extended.id)).status).toBe('filled');
    expect((await rest(running.sim, 'PATCH', `/v2/orders/${regular.id}`, { qty: '5' })).status).toBe(422);
    running.sim.advanceTo(Date.UTC(2026, 2, 10, 13, 30, 0));
    expect((await fetchOrder(regular.id)).status).toBe('filled');
  });

  it('runs opg orders in the open auction at the midpoint and cls orders at the close', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' }, Date.UTC(2026, 2, 10, 11, 0, 0));
    quote(running.sim, 'AAPL', 100, 100.1, 1, 1);
    const opg = await place({ time_in_force: 'opg', qty: 50 });
    const cls = await place({ time_in_force: 'cls', qty: 5 });
    running.sim.advanceTo(Date.UTC(2026, 2, 10, 13, 29, 59));
    expect((await fetchOrder(opg.id)).status).toBe('new');
    running.sim.advanceTo(Date.UTC(2026, 2, 10, 13, 30, 0));
    expect(await fetchOrder(opg.id)).toMatchObject({
      status: 'filled',
      filled_qty: '50',
      filled_avg_price: '100.05',
    });
    expect((await fetchOrder(cls.id)).status).toBe('new');
    running.sim.advanceTo(Date.UTC(2026, 2, 10, 20, 0, 0));
    expect((await fetchOrder(cls.id)).status).toBe('filled');
  });

  it('refuses opg orders during the blackout window', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' });
    const answer = await rest(running.sim, 'POST', '/v2/orders', order({ time_in_force: 'opg' }));
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe(42210000);
  });

  it('holds orders on a halted symbol and fills them when trading resumes', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    expect(running.sim.market.halt('AAPL').ok).toBe(true);
    const placed = await place({});
    advance(10);
    expect((await fetchOrder(placed.id)).status).toBe('new');
    quote(running.sim, 'AAPL', 100, 100.03);
    expect((await fetchOrder(placed.id)).status).toBe('new');
    expect(running.sim.market.resume('AAPL').ok).toBe(true);
    expect(await fetchOrder(placed.id)).toMatchObject({ status: 'filled', filled_avg_price: '100.03' });
  });

  it('trades crypto around the clock with fractional qty or notional, gtc', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' }, Date.UTC(2026, 2, 8, 12, 0, 0));
    quote(running.sim, 'BTC/USD', 60000, 60010, 2, 2);
    const notional = await place({
      symbol: 'BTCUSD',
      qty: undefined,
      notional: '600.1',
      time_in_force: 'gtc',
    });
    const fractional = await place({ symbol: 'BTC/USD', qty: '0.25', time_in_force: 'ioc' });
    advance(0);
    expect(await fetchOrder(notional.id)).toMatchObject({
      symbol: 'BTC/USD',
      asset_class: 'crypto',
      status: 'filled',
      filled_qty: '0.01',
    });
    expect(await fetchOrder(fractional.id)).toMatchObject({ status: 'filled', filled_qty: '0.25' });
    const closing = await rest(running.sim, 'DELETE', '/v2/positions/BTC%2FUSD');
    expect(closing.body).toMatchObject({ side: 'sell', qty: '0.26', time_in_force: 'gtc' });
  });

  it('fills notional orders for the dollar amount in fractional shares', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 199.99, 200);
    const answer = await rest(running.sim, 'POST', '/v2/orders', order({ qty: undefined, notional: '500' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ notional: '500', qty: null });
    advance(0);
    expect(await fetchOrder(answer.body.id)).toMatchObject({
      status: 'filled',
      filled_qty: '2.5',
      filled_avg_price: '200',
    });
  });
});
