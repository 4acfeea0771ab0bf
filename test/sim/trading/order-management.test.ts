import { afterEach, describe, expect, it } from 'vitest';
import {
  cancelOrderResultSchema,
  closePositionResultSchema,
  errorBodySchema,
  orderSchema,
  positionSchema,
} from '../../../shared/broker/alpaca/trading-schemas.ts';
import { quote, rest, startVirtualSim, type VirtualSim } from './sim-client.ts';

const order = (fields: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type: 'limit',
  limit_price: '90',
  time_in_force: 'gtc',
  ...fields,
});

describe('trading REST: orders and positions', () => {
  let running: VirtualSim;
  afterEach(async () => {
    await running.sim.close();
  });

  const post = (body: unknown) => rest(running.sim, 'POST', '/v2/orders', body);
  const advance = () => running.sim.advanceTo(running.clock.nowMs());

  async function place(fields: Record<string, unknown> = {}) {
    const answer = await post(order(fields));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    advance();
    return orderSchema.parse(answer.body);
  }

  describe('validation', () => {
    it.each([
      ['malformed JSON', '{"symbol":', 400, 40010000, 'failed to decode request body'],
      ['a missing symbol', { ...order(), symbol: undefined }, 422, 40010001, 'symbol is required'],
      ['an unknown side', order({ side: 'long' }), 422, 40010001, 'invalid side'],
      ['an unknown type', order({ type: 'iceberg' }), 422, 40010001, 'invalid type'],
      ['an unknown time in force', order({ time_in_force: 'gtd' }), 422, 40010001, 'invalid time_in_force'],
      ['qty and notional', order({ notional: '100' }), 422, 40010001, 'qty and notional cannot both'],
      ['no qty', order({ qty: null }), 422, 40010001, 'qty or notional is required'],
      ['a negative qty', order({ qty: '-1' }), 422, 40010001, 'qty must be greater than 0'],
      ['a zero qty', order({ qty: 0 }), 422, 40010001, 'qty must be greater than 0'],
      ['ten decimals', order({ qty: '0.0000000001' }), 422, 40010001, 'at most 9 decimals'],
      ['a limit order without price', order({ limit_price: '' }), 422, 40010001, 'limit_price is required'],
      [
        'a stop order without stop',
        order({ type: 'stop', limit_price: null }),
        422,
        40010001,
        'stop_price is required',
      ],
      [
        'a market order with a limit',
        order({ type: 'market' }),
        422,
        42210000,
        'limit_price must not be given',
      ],
      ['a sub-penny price', order({ limit_price: '90.001' }), 422, 42210000, 'sub-penny'],
      [
        'a trailing stop with both trails',
        order({ type: 'trailing_stop', limit_price: null, trail_price: '1', trail_percent: '1' }),
        422,
        40010001,
        'exactly one of trail_price or trail_percent',
      ],
      [
        'extended hours on a market order',
        order({ type: 'market', limit_price: null, extended_hours: true }),
        422,
        42210000,
        'extended hours',
      ],
      [
        'a bracket order without legs',
        order({ order_class: 'bracket' }),
        422,
        40010001,
        'bracket orders require take_profit.limit_price',
      ],
      ['an unknown symbol', order({ symbol: 'ZZZZ' }), 422, 42210000, 'ZZZZ'],
      [
        'a fractional gtc order',
        order({ qty: '0.5' }),
        422,
        42210000,
        'fractional orders must be DAY orders',
      ],
      ['a crypto day order', order({ symbol: 'BTC/USD', time_in_force: 'day' }), 422, 42210000, 'gtc or ioc'],
      [
        'a too long client_order_id',
        order({ client_order_id: 'x'.repeat(129) }),
        422,
        40010001,
        'client_order_id',
      ],
      ['a non-object body', '[1,2]', 400, 40010000, 'failed to decode'],
      [
        'a body over 64 KiB',
        order({ client_order_id: 'x'.repeat(70_000) }),
        400,
        40010000,
        'failed to decode',
      ],
    ])('refuses %s', async (_name, body, status, code, message) => {
      running = await startVirtualSim();
      const answer = await post(body);
      expect(answer.status).toBe(status);
      const error = errorBodySchema.parse(answer.body);
      expect(error.code).toBe(code);
      expect(error.message).toContain(message);
      expect((await rest(running.sim, 'GET', '/v2/orders?status=all')).body).toStrictEqual([]);
      expect(running.sim.trading.refusedRequests()).toStrictEqual({ [status]: 1 });
    });

    it('accepts numbers, numeric strings and treats null and "" as absent', async () => {
      running = await startVirtualSim();
      const answer = await post({
        symbol: 'AAPL',
        qty: 3,
        side: 'buy',
        type: 'limit',
        limit_price: 90.5,
        stop_price: null,
        trail_price: '',
        time_in_force: 'day',
        client_order_id: '',
        order_class: '',
        extended_hours: false,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ qty: '3', limit_price: '90.5', stop_price: null, order_class: '' });
    });
  });

  it('keeps client_order_id unique and finds orders by it', async () => {
    running = await startVirtualSim();
    const first = await place({ client_order_id: 'my-order-1' });
    const duplicate = await post(order({ client_order_id: 'my-order-1' }));
    expect(duplicate.status).toBe(422);
    expect(duplicate.body).toStrictEqual({ code: 40010001, message: 'client_order_id must be unique' });
    const found = await rest(running.sim, 'GET', '/v2/orders:by_client_order_id?client_order_id=my-order-1');
    expect(found.status).toBe(200);
    expect(orderSchema.parse(found.body).id).toBe(first.id);
    expect(
      (await rest(running.sim, 'GET', '/v2/orders:by_client_order_id?client_order_id=nope')).status,
    ).toBe(404);
    expect((await rest(running.sim, 'GET', '/v2/orders:by_client_order_id')).status).toBe(422);
    const unknown = await rest(running.sim, 'GET', '/v2/orders/0b6e8d3c-1111-4111-8111-111111111111');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toStrictEqual({ code: 40410000, message: 'order not found' });
  });

  it('lists orders with status, symbols, side, direction, limit, after and until filters', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'MSFT', 400, 400.05);
    const a = await place();
    running.clock.advanceMs(1000);
    const b = await place({ symbol: 'MSFT', type: 'market', limit_price: null });
    running.clock.advanceMs(1000);
    const c = await place({ side: 'buy', limit_price: '91' });
    const ids = async (query: string) => {
      const answer = await rest(running.sim, 'GET', `/v2/orders${query}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.map((listed: unknown) => orderSchema.parse(listed).id);
    };
    expect(await ids('')).toStrictEqual([c.id, a.id]);
    expect(await ids('?status=closed')).toStrictEqual([b.id]);
    expect(await ids('?status=all&direction=asc')).toStrictEqual([a.id, b.id, c.id]);
    expect(await ids('?status=all&symbols=MSFT,XYZ')).toStrictEqual([b.id]);
    expect(await ids('?status=all&limit=1')).toStrictEqual([c.id]);
    expect(await ids(`?status=all&after=${encodeURIComponent(a.submitted_at)}`)).toStrictEqual([c.id, b.id]);
    expect(await ids(`?status=all&until=${encodeURIComponent(c.submitted_at)}&nested=true`)).toStrictEqual([
      b.id,
      a.id,
    ]);
    expect(await ids('?status=all&side=sell')).toStrictEqual([]);
    for (const bad of [
      'status=done',
      'limit=0',
      'limit=501',
      'direction=up',
      'after=yesterday',
      'nested=maybe',
    ]) {
      const answer = await rest(running.sim, 'GET', `/v2/orders?${bad}`);
      expect(answer.status, bad).toBe(422);
      expect(answer.body.code).toBe(40010001);
    }
  });

  it('replaces an order with a new one that records what it replaces', async () => {
    running = await startVirtualSim({ latencyMs: 10 });
    const original = await place();
    running.sim.advanceTo(running.clock.nowMs() + 10);
    const answer = await rest(running.sim, 'PATCH', `/v2/orders/${original.id}`, {
      qty: '5',
      limit_price: 91,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const replacement = orderSchema.parse(answer.body);
    expect(replacement).toMatchObject({
      replaces: original.id,
      qty: '5',
      limit_price: '91',
      status: 'pending_new',
    });
    expect(replacement.id).not.toBe(original.id);
    expect((await rest(running.sim, 'GET', `/v2/orders/${original.id}`)).body.status).toBe('pending_replace');
    const again = await rest(running.sim, 'PATCH', `/v2/orders/${original.id}`, { qty: '6' });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe(42210000);
    running.sim.advanceTo(running.clock.nowMs() + 10);
    const old = orderSchema.parse((await rest(running.sim, 'GET', `/v2/orders/${original.id}`)).body);
    expect(old).toMatchObject({ status: 'replaced', replaced_by: replacement.id });
    expect(old.replaced_at).not.toBeNull();
    expect((await rest(running.sim, 'GET', `/v2/orders/${replacement.id}`)).body.status).toBe('new');
  });

  it('refuses replacing with fields the order type does not have, and empty bodies', async () => {
    running = await startVirtualSim();
    const resting = await place();
    expect((await rest(running.sim, 'PATCH', `/v2/orders/${resting.id}`, { stop_price: '80' })).status).toBe(
      422,
    );
    expect((await rest(running.sim, 'PATCH', `/v2/orders/${resting.id}`, { trail: '1' })).status).toBe(422);
    expect((await rest(running.sim, 'PATCH', `/v2/orders/${resting.id}`, {})).body.code).toBe(40010001);
    expect(
      (await rest(running.sim, 'PATCH', `/v2/orders/${resting.id}`, { limit_price: '90.001' })).body.code,
    ).toBe(42210000);
  });

  it('cancels one order with 204 and refuses cancelling it again', async () => {
    running = await startVirtualSim();
    const resting = await place();
    const cancel = await rest(running.sim, 'DELETE', `/v2/orders/${resting.id}`);
    expect(cancel.status).toBe(204);
    expect(cancel.body).toBeUndefined();
    advance();
    const canceled = orderSchema.parse((await rest(running.sim, 'GET', `/v2/orders/${resting.id}`)).body);
    expect(canceled.status).toBe('canceled');
    expect(canceled.canceled_at).not.toBeNull();
    const again = await rest(running.sim, 'DELETE', `/v2/orders/${resting.id}`);
    expect(again.status).toBe(422);
    expect(again.body).toStrictEqual({ code: 42210000, message: 'order is already in "canceled" state' });
    expect(
      (await rest(running.sim, 'DELETE', '/v2/orders/0b6e8d3c-1111-4111-8111-111111111111')).status,
    ).toBe(404);
  });

  it('cancels all open orders with a 207 multi-status body', async () => {
    running = await startVirtualSim();
    const a = await place();
    const b = await place({ limit_price: '89' });
    const answer = await rest(running.sim, 'DELETE', '/v2/orders');
    expect(answer.status).toBe(207);
    const results = answer.body.map((entry: unknown) => cancelOrderResultSchema.parse(entry));
    expect(results.map((entry: { id: string; status: number }) => [entry.id, entry.status])).toStrictEqual([
      [a.id, 200],
      [b.id, 200],
    ]);
    advance();
    expect((await rest(running.sim, 'GET', '/v2/orders')).body).toStrictEqual([]);
  });

  it('closes part of a position by qty and by percentage, then all positions', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    quote(running.sim, 'MSFT', 400, 400.1);
    await place({ type: 'market', limit_price: null, qty: '10', time_in_force: 'day' });
    await place({ symbol: 'MSFT', type: 'market', limit_price: null, qty: '4', time_in_force: 'day' });
    const byQty = await rest(running.sim, 'DELETE', '/v2/positions/AAPL?qty=3');
    expect(byQty.status).toBe(200);
    expect(orderSchema.parse(byQty.body)).toMatchObject({ side: 'sell', qty: '3', type: 'market' });
    advance();
    expect(positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body).qty).toBe('7');
    const byPercent = await rest(running.sim, 'DELETE', '/v2/positions/AAPL?percentage=50');
    expect(byPercent.body.qty).toBe('3.5');
    advance();
    expect((await rest(running.sim, 'DELETE', '/v2/positions/AAPL?qty=1&percentage=5')).status).toBe(422);
    expect((await rest(running.sim, 'DELETE', '/v2/positions/AAPL?qty=100')).status).toBe(403);
    expect((await rest(running.sim, 'DELETE', '/v2/positions/AAPL?percentage=abc')).status).toBe(422);
    const all = await rest(running.sim, 'DELETE', '/v2/positions?cancel_orders=true');
    expect(all.status).toBe(207);
    const closed = all.body.map((entry: unknown) => closePositionResultSchema.parse(entry));
    expect(
      closed.map((entry: { symbol: string; status: number }) => [entry.symbol, entry.status]),
    ).toStrictEqual([
      ['AAPL', 200],
      ['MSFT', 200],
    ]);
    advance();
    expect((await rest(running.sim, 'GET', '/v2/positions')).body).toStrictEqual([]);
    const missing = await rest(running.sim, 'GET', '/v2/positions/AAPL');
    expect(missing.status).toBe(404);
    expect(missing.body).toStrictEqual({ code: 40410000, message: 'position does not exist' });
  });

  it('refuses orders beyond buying power with Alpaca 403', async () => {
    running = await startVirtualSim({ startingCash: '1000' });
    quote(running.sim, 'AAPL', 100, 100.02);
    const answer = await post(order({ type: 'market', limit_price: null, qty: '21', time_in_force: 'day' }));
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      code: 40310000,
      message: 'insufficient buying power',
      buying_power: '2000',
    });
    await place({ limit_price: '100', qty: '15' });
    const account = (await rest(running.sim, 'GET', '/v2/account')).body;
    expect(account.buying_power).toBe('500');
    expect((await post(order({ limit_price: '100', qty: '6' }))).status).toBe(403);
  });

  it('holds buying power against the larger order while a replace is pending', async () => {
    running = await startVirtualSim({ startingCash: '10000', latencyMs: 10 });
    const original = await place({ limit_price: '100', qty: '50' });
    running.sim.advanceTo(running.clock.nowMs() + 10);
    const buyingPower = async () => (await rest(running.sim, 'GET', '/v2/account')).body.buying_power;
    expect(await buyingPower()).toBe('15000');
    expect((await rest(running.sim, 'PATCH', `/v2/orders/${original.id}`, { qty: '60' })).status).toBe(200);
    expect(await buyingPower()).toBe('14000');
    running.sim.advanceTo(running.clock.nowMs() + 10);
    expect(await buyingPower()).toBe('14000');
    const smaller = (await rest(running.sim, 'GET', '/v2/orders')).body[0];
    expect((await rest(running.sim, 'PATCH', `/v2/orders/${smaller.id}`, { qty: '10' })).status).toBe(200);
    expect(await buyingPower()).toBe('14000');
    running.sim.advanceTo(running.clock.nowMs() + 10);
    expect(await buyingPower()).toBe('19000');
  });

  it('refuses selling more than is held and shorting an asset that is not shortable', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    await place({ type: 'market', limit_price: null, qty: '5', time_in_force: 'day' });
    await place({ side: 'sell', limit_price: '120', qty: '4' });
    const tooMany = await post(order({ side: 'sell', limit_price: '120', qty: '2' }));
    expect(tooMany.status).toBe(403);
    expect(tooMany.body).toMatchObject({
      code: 40310000,
      message: 'insufficient qty available for order (requested: 2, available: 1)',
      held_for_orders: '4',
      existing_qty: '5',
    });
    const position = positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body);
    expect(position.qty_available).toBe('1');
    quote(running.sim, 'MSFT', 400, 400.1);
    const flags = await rest(running.sim, 'PATCH', '/admin/trading/assets/MSFT', { shortable: false });
    expect(flags.status).toBe(200);
    const short = await post(order({ symbol: 'MSFT', side: 'sell', limit_price: '390', qty: '1' }));
    expect(short.status).toBe(403);
    expect(short.body.message).toContain('not shortable');
    const crypto = await post(order({ symbol: 'BTC/USD', side: 'sell', limit_price: '60000', qty: '0.1' }));
    expect(crypto.status).toBe(403);
    expect(crypto.body.message).toContain('insufficient balance for BTC');
  });

  it("refuses an order that could trade against the account's own opposite order (wash trade)", async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    await place({ type: 'market', limit_price: null, qty: '5', time_in_force: 'day' });
    const restingBuy = await place({ limit_price: '95', qty: '1' });
    const crossingSell = await post(order({ side: 'sell', limit_price: '94', qty: '1' }));
    expect(crossingSell.status).toBe(403);
    expect(crossingSell.body).toMatchObject({
      code: 40310000,
      message: 'potential wash trade detected. use complex orders',
    });
    expect(String(crossingSell.body.reject_reason)).toContain(restingBuy.id);
    const marketSell = await post(
      order({ side: 'sell', type: 'market', limit_price: null, time_in_force: 'day', qty: '1' }),
    );
    expect(marketSell.status).toBe(403);
    // Not crossing the resting buy, and on another symbol: both accepted.
    await place({ side: 'sell', limit_price: '101', qty: '1' });
    await place({ symbol: 'MSFT', limit_price: '90', qty: '1' });
    const orders = (await rest(running.sim, 'GET', '/v2/orders')).body as unknown[];
    expect(orders.map((open) => orderSchema.parse(open).limit_price).sort()).toStrictEqual([
      '101',
      '90',
      '95',
    ]);
  });

  it('sells short and books the short position with negative market value', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'MSFT', 400, 400.1);
    await place({
      symbol: 'MSFT',
      side: 'sell',
      type: 'market',
      limit_price: null,
      qty: '2',
      time_in_force: 'day',
    });
    const position = positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/MSFT')).body);
    expect(position).toMatchObject({ qty: '-2', side: 'short', cost_basis: '-800', avg_entry_price: '400' });
    const account = (await rest(running.sim, 'GET', '/v2/account')).body;
    expect(account.cash).toBe('100800');
    expect(account.short_market_value).toBe('-800.1');
    expect(account.equity).toBe('99999.9');
  });

  it('counts day trades and flags a pattern day trader after four', async () => {
    running = await startVirtualSim();
    quote(running.sim, 'AAPL', 100, 100.02);
    for (let round = 0; round < 4; round++) {
      await place({ type: 'market', limit_price: null, qty: '1', time_in_force: 'day' });
      await place({ side: 'sell', type: 'market', limit_price: null, qty: '1', time_in_force: 'day' });
    }
    const account = (await rest(running.sim, 'GET', '/v2/account')).body;
    expect(account.daytrade_count).toBe(4);
    expect(account.pattern_day_trader).toBe(true);
  });

  it('limits each key to the configured requests per minute with Alpaca headers', async () => {
    running = await startVirtualSim({ rateLimitPerMinute: 3 });
    const first = await rest(running.sim, 'GET', '/v2/clock');
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    const resetSeconds = Number(first.headers.get('x-ratelimit-reset'));
    expect(resetSeconds).toBe(Math.ceil((running.clock.nowMs() + 60_000) / 1000));
    await rest(running.sim, 'GET', '/v2/clock');
    await rest(running.sim, 'GET', '/v2/account');
    const limited = await rest(running.sim, 'GET', '/v2/clock');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(errorBodySchema.parse(limited.body).code).toBe(42910000);
    running.sim.advanceTo(running.clock.nowMs() + 60_000);
    expect((await rest(running.sim, 'GET', '/v2/clock')).status).toBe(200);
  });

  it('defaults to 200 requests per minute', async () => {
    running = await startVirtualSim();
    expect((await rest(running.sim, 'GET', '/v2/clock')).headers.get('x-ratelimit-limit')).toBe('200');
  });
});
