/**
 * Bracket, oco and oto orders over the trading REST and the trade-updates stream, on a virtual
 * clock with the generated market; prices are driven through the market-data admin with hold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  errorBodySchema,
  nestedOrderSchema,
  orderSchema,
  positionSchema,
  tradeUpdateSchema,
} from '../../../shared/broker/alpaca/trading-schemas.ts';
import { type StreamClient, StreamClients } from '../stream/stream-client.ts';
import { buyAtMarket, rest, startVirtualSim, type VirtualSim } from './sim-client.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const bracket = (fields: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type: 'market',
  time_in_force: 'gtc',
  order_class: 'bracket',
  take_profit: { limit_price: '101' },
  stop_loss: { stop_price: '99' },
  ...fields,
});

describe('bracket, oco and oto orders', () => {
  let running: VirtualSim;
  const streams = new StreamClients();
  afterEach(async () => {
    streams.closeAll();
    await running.sim.close();
  });

  async function start(options: Parameters<typeof startVirtualSim>[0] = {}) {
    running = await startVirtualSim({ market: 'generated', ...options });
    await price(100, 100.02);
  }

  /** Quotes AAPL through the market-data admin, holding the generator off the symbol. */
  async function price(bid: number, ask: number, bidSize = 1000, askSize = 1000) {
    const answer = await rest(
      running.sim,
      'POST',
      '/admin/marketdata/quote',
      { symbol: 'AAPL', bidPrice: bid, askPrice: ask, bidSize, askSize, hold: true },
      {},
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }

  const advance = (ms = 0) => running.sim.advanceTo(running.clock.nowMs() + ms);

  async function post(body: unknown) {
    return rest(running.sim, 'POST', '/v2/orders', body);
  }

  /** Places a bracket, oco or oto order; the answer is the parent with its legs. */
  async function placeGroup(body: unknown) {
    const answer = await post(body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return nestedOrderSchema.parse(answer.body);
  }

  async function fetchOrder(id: string, query = '') {
    const answer = await rest(running.sim, 'GET', `/v2/orders/${id}${query}`);
    expect(answer.status).toBe(200);
    return orderSchema.parse(answer.body);
  }

  async function listOrders(query: string) {
    const answer = await rest(running.sim, 'GET', `/v2/orders${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body as unknown[]).map((listed) => orderSchema.parse(listed));
  }

  async function statuses(...ids: string[]) {
    return Promise.all(ids.map(async (id) => (await fetchOrder(id)).status));
  }

  const listening = () => streams.listening(running.sim);

  /** Every update as "event:order" with the order named by `names`, each checked by the schema. */
  async function events(client: StreamClient, count: number, names: Record<string, string>) {
    await client.waitForUpdates(count);
    return client.updates().map((raw) => {
      const update = tradeUpdateSchema.parse(raw);
      if (update.order.legs !== null) nestedOrderSchema.parse(update.order);
      return `${update.event}:${names[update.order.id] ?? update.order.id}`;
    });
  }

  describe('bracket', () => {
    it('answers the parent with two held legs, activates them on the fill, and the stop-loss exits', async () => {
      await start();
      const client = await listening();
      const parent = await placeGroup(bracket());
      const [takeProfit, stopLoss] = parent.legs;
      expect(parent).toMatchObject({ order_class: 'bracket', status: 'pending_new', type: 'market' });
      expect(takeProfit).toMatchObject({
        order_class: 'bracket',
        status: 'held',
        side: 'sell',
        type: 'limit',
        limit_price: '101',
        stop_price: null,
        qty: '10',
        time_in_force: 'gtc',
        position_intent: 'sell_to_close',
        legs: null,
      });
      expect(stopLoss).toMatchObject({ status: 'held', side: 'sell', type: 'stop', stop_price: '99' });
      for (const leg of parent.legs) {
        expect(leg.id).toMatch(UUID);
        expect(leg.client_order_id).toMatch(UUID);
      }
      const names = { [parent.id]: 'entry', [takeProfit!.id]: 'tp', [stopLoss!.id]: 'sl' };

      advance();
      expect(await statuses(parent.id, takeProfit!.id, stopLoss!.id)).toStrictEqual(['filled', 'new', 'new']);
      await price(99.5, 99.52);
      expect(await statuses(takeProfit!.id, stopLoss!.id)).toStrictEqual(['new', 'new']);
      await price(98.9, 98.92);
      expect(await fetchOrder(stopLoss!.id)).toMatchObject({ status: 'filled', filled_avg_price: '98.9' });
      expect(await fetchOrder(takeProfit!.id)).toMatchObject({ status: 'canceled' });
      expect((await rest(running.sim, 'GET', '/v2/positions/AAPL')).status).toBe(404);
      expect(await events(client, 7, names)).toStrictEqual([
        'pending_new:entry',
        'new:entry',
        'fill:entry',
        'new:tp',
        'new:sl',
        'fill:sl',
        'canceled:tp',
      ]);
      const entryFill = tradeUpdateSchema.parse(client.updates()[2]);
      expect(entryFill.order.legs?.map((leg) => leg.status)).toStrictEqual(['held', 'held']);
    });

    it('takes profit at the limit and cancels the stop-loss', async () => {
      await start();
      const parent = await placeGroup(
        bracket({
          side: 'sell',
          take_profit: { limit_price: '99' },
          stop_loss: { stop_price: '101', limit_price: '101.5' },
        }),
      );
      const [takeProfit, stopLoss] = parent.legs;
      expect(stopLoss).toMatchObject({
        side: 'buy',
        type: 'stop_limit',
        stop_price: '101',
        limit_price: '101.5',
      });
      advance();
      expect(positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body).qty).toBe(
        '-10',
      );
      await price(98.97, 98.99);
      expect(await fetchOrder(takeProfit!.id)).toMatchObject({ status: 'filled', filled_avg_price: '98.99' });
      expect(await statuses(stopLoss!.id)).toStrictEqual(['canceled']);
      expect((await rest(running.sim, 'GET', '/v2/positions/AAPL')).status).toBe(404);
    });

    it('shrinks the stop-loss to what a partial take-profit fill leaves', async () => {
      await start();
      const parent = await placeGroup(bracket());
      const [takeProfit, stopLoss] = parent.legs;
      advance();
      await price(101, 101.02, 4);
      expect(await fetchOrder(takeProfit!.id)).toMatchObject({ status: 'partially_filled', filled_qty: '4' });
      expect(await fetchOrder(stopLoss!.id)).toMatchObject({ status: 'new', qty: '6', filled_qty: '0' });
      const position = positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body);
      expect(position).toMatchObject({ qty: '6', qty_available: '0' });
      await price(101.01, 101.03, 10);
      expect(await fetchOrder(takeProfit!.id)).toMatchObject({ status: 'filled', filled_qty: '10' });
      expect(await fetchOrder(stopLoss!.id)).toMatchObject({ status: 'canceled', qty: '6' });
    });

    it('cancels the held legs with the entry, and a working leg with its sibling', async () => {
      await start({ latencyMs: 5 });
      const client = await listening();
      const resting = await placeGroup(
        bracket({ type: 'limit', limit_price: '99.5', stop_loss: { stop_price: '99' } }),
      );
      advance(5);
      expect((await rest(running.sim, 'DELETE', `/v2/orders/${resting.id}`)).status).toBe(204);
      advance(5);
      expect(await statuses(resting.id, ...resting.legs.map((leg) => leg.id))).toStrictEqual([
        'canceled',
        'canceled',
        'canceled',
      ]);
      const names = { [resting.id]: 'entry', [resting.legs[0]!.id]: 'tp', [resting.legs[1]!.id]: 'sl' };
      expect(await events(client, 6, names)).toStrictEqual([
        'pending_new:entry',
        'new:entry',
        'pending_cancel:entry',
        'canceled:entry',
        'canceled:tp',
        'canceled:sl',
      ]);

      const filled = await placeGroup(bracket());
      advance(5);
      const [takeProfit, stopLoss] = filled.legs;
      expect((await rest(running.sim, 'DELETE', `/v2/orders/${takeProfit!.id}`)).status).toBe(204);
      expect(await statuses(takeProfit!.id, stopLoss!.id)).toStrictEqual(['pending_cancel', 'new']);
      advance(5);
      expect(await statuses(filled.id, takeProfit!.id, stopLoss!.id)).toStrictEqual([
        'filled',
        'canceled',
        'canceled',
      ]);
      expect(
        positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body).qty_available,
      ).toBe('10');
    });

    it('cancels the held legs when a day entry expires unfilled', async () => {
      // A slow generated market: the clock crosses New York midnight.
      await start({ messagesPerSecond: 1 });
      const parent = await placeGroup(bracket({ type: 'limit', limit_price: '99.5', time_in_force: 'day' }));
      running.sim.advanceTo(Date.UTC(2026, 2, 11, 4, 0, 0));
      expect(await statuses(parent.id, ...parent.legs.map((leg) => leg.id))).toStrictEqual([
        'expired',
        'canceled',
        'canceled',
      ]);
    });

    it('holds no shares or buying power for held legs; working exits hold the shares once', async () => {
      await start({ startingCash: '10000' });
      await buyAtMarket(running.sim, 'AAPL', 10);
      advance();
      const position = async () =>
        positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body);
      const buyingPower = async () => (await rest(running.sim, 'GET', '/v2/account')).body.buying_power;
      const before = await buyingPower();
      const parent = await placeGroup(bracket({ qty: '5', type: 'limit', limit_price: '99.5' }));
      advance();
      expect(await position()).toMatchObject({ qty: '10', qty_available: '10' });
      expect(Number(before) - Number(await buyingPower())).toBeCloseTo(497.5, 6);
      // A held take-profit at 101 is not working: a buy at 102 cannot trade against it.
      const crossing = {
        symbol: 'AAPL',
        qty: '1',
        side: 'buy',
        type: 'limit',
        limit_price: '102',
        time_in_force: 'day',
      };
      const accepted = await post({ ...crossing, client_order_id: 'crosses-held' });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      advance();
      await price(99.48, 99.5);
      expect(await statuses(parent.id)).toStrictEqual(['filled']);
      expect(await position()).toMatchObject({ qty: '16', qty_available: '11' });
      const washTrade = await post(crossing);
      expect(washTrade.status).toBe(403);
      expect(washTrade.body).toMatchObject({
        code: 40310000,
        message: 'potential wash trade detected. use complex orders',
      });
      expect(String(washTrade.body.reject_reason)).toContain(parent.legs[0]!.id);
    });
  });

  describe('oco', () => {
    it('works both exits of a held position at once; the stop-loss fill cancels the take-profit', async () => {
      await start();
      await buyAtMarket(running.sim, 'AAPL', 10);
      advance();
      const client = await listening();
      const oco = await placeGroup({
        symbol: 'AAPL',
        qty: '10',
        side: 'sell',
        type: 'limit',
        time_in_force: 'gtc',
        order_class: 'oco',
        take_profit: { limit_price: '105' },
        stop_loss: { stop_price: '95', limit_price: '94.5' },
      });
      const [stopLoss] = oco.legs;
      expect(oco).toMatchObject({ order_class: 'oco', type: 'limit', limit_price: '105', side: 'sell' });
      expect(stopLoss).toMatchObject({
        order_class: 'oco',
        type: 'stop_limit',
        stop_price: '95',
        status: 'pending_new',
      });
      advance();
      expect(await statuses(oco.id, stopLoss!.id)).toStrictEqual(['new', 'new']);
      const position = positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body);
      expect(position.qty_available).toBe('0');
      await price(94.9, 94.92);
      expect(await fetchOrder(stopLoss!.id)).toMatchObject({ status: 'filled', filled_avg_price: '94.9' });
      expect(await statuses(oco.id)).toStrictEqual(['canceled']);
      expect((await rest(running.sim, 'GET', '/v2/positions/AAPL')).status).toBe(404);
      const names = { [oco.id]: 'tp', [stopLoss!.id]: 'sl' };
      expect(await events(client, 6, names)).toStrictEqual([
        'pending_new:tp',
        'pending_new:sl',
        'new:tp',
        'new:sl',
        'fill:sl',
        'canceled:tp',
      ]);
    });

    it('refuses an oco order without a position to exit', async () => {
      await start();
      const answer = await post({
        symbol: 'AAPL',
        qty: '10',
        side: 'sell',
        type: 'limit',
        time_in_force: 'gtc',
        order_class: 'oco',
        take_profit: { limit_price: '105' },
        stop_loss: { stop_price: '95' },
      });
      expect(answer.status).toBe(422);
      expect(answer.body).toStrictEqual({
        code: 42210000,
        message: 'oco orders must be exit orders: there is no long position to close',
      });
    });
  });

  describe('oto', () => {
    it('activates its one stop-loss leg when the entry fills', async () => {
      await start();
      const oto = await placeGroup({
        symbol: 'AAPL',
        qty: '3',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
        order_class: 'oto',
        stop_loss: { stop_price: '99' },
      });
      expect(oto.legs).toHaveLength(1);
      expect(oto.legs[0]).toMatchObject({
        order_class: 'oto',
        type: 'stop',
        side: 'sell',
        qty: '3',
        status: 'held',
      });
      advance();
      expect(await statuses(oto.id, oto.legs[0]!.id)).toStrictEqual(['filled', 'new']);
      await price(98.99, 99.01);
      expect(await statuses(oto.legs[0]!.id)).toStrictEqual(['filled']);
      expect((await rest(running.sim, 'GET', '/v2/positions/AAPL')).status).toBe(404);
    });
  });

  describe('listing', () => {
    it('lists legs as orders of their own, or inside their parent with nested=true', async () => {
      await start();
      const parent = await placeGroup(bracket({ type: 'limit', limit_price: '99.5' }));
      advance();
      const legIds = parent.legs.map((leg) => leg.id);
      const flat = await listOrders('?direction=asc');
      expect(flat.map((order) => order.id)).toStrictEqual([parent.id, ...legIds]);
      expect(flat.every((order) => order.legs === null && order.order_class === 'bracket')).toBe(true);
      const nested = await listOrders('?nested=true');
      expect(nested).toHaveLength(1);
      expect(nestedOrderSchema.parse(nested[0]).legs.map((leg) => leg.id)).toStrictEqual(legIds);
      expect((await fetchOrder(parent.id)).legs).toBeNull();
      expect((await fetchOrder(parent.id, '?nested=true')).legs?.map((leg) => leg.id)).toStrictEqual(legIds);

      await price(99.48, 99.5);
      expect((await listOrders('')).map((order) => order.id).sort()).toStrictEqual([...legIds].sort());
      const openGroups = await listOrders('?nested=true');
      expect(openGroups.map((order) => [order.id, order.status])).toStrictEqual([[parent.id, 'filled']]);
      expect(await listOrders('?nested=true&status=closed')).toStrictEqual([]);
    });
  });

  describe('replace', () => {
    it("replaces a working leg's stop price; the replacement takes the leg's place in the group", async () => {
      await start({ latencyMs: 5 });
      const parent = await placeGroup(bracket());
      const [takeProfit, stopLoss] = parent.legs;
      const patch = (id: string, body: unknown) => rest(running.sim, 'PATCH', `/v2/orders/${id}`, body);
      const held = await patch(stopLoss!.id, { stop_price: '98' });
      expect(held.body).toStrictEqual({ code: 42210000, message: 'cannot replace order in held status' });
      advance(5);
      const replaced = await patch(stopLoss!.id, { stop_price: '98' });
      expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
      const replacement = orderSchema.parse(replaced.body);
      expect(replacement).toMatchObject({
        replaces: stopLoss!.id,
        order_class: 'bracket',
        type: 'stop',
        stop_price: '98',
        qty: '10',
        status: 'pending_new',
      });
      advance(5);
      expect(await statuses(stopLoss!.id, replacement.id)).toStrictEqual(['replaced', 'new']);
      const nested = await fetchOrder(parent.id, '?nested=true');
      expect(nested.legs?.map((leg) => leg.id)).toStrictEqual([takeProfit!.id, replacement.id]);
      await price(98.5, 98.52);
      expect(await statuses(replacement.id, takeProfit!.id)).toStrictEqual(['new', 'new']);
      await price(97.99, 98.01);
      expect(await statuses(replacement.id, takeProfit!.id)).toStrictEqual(['filled', 'canceled']);
    });

    it('replaces the take-profit of an oco order: the replacement heads the group', async () => {
      await start({ latencyMs: 5 });
      await buyAtMarket(running.sim, 'AAPL', 10);
      advance(5);
      const oco = await placeGroup({
        symbol: 'AAPL',
        qty: '10',
        side: 'sell',
        type: 'limit',
        time_in_force: 'gtc',
        order_class: 'oco',
        take_profit: { limit_price: '105' },
        stop_loss: { stop_price: '95' },
      });
      advance(5);
      const answer = await rest(running.sim, 'PATCH', `/v2/orders/${oco.id}`, { limit_price: '104' });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const replacement = orderSchema.parse(answer.body);
      const available = async () =>
        positionSchema.parse((await rest(running.sim, 'GET', '/v2/positions/AAPL')).body).qty_available;
      expect(await available()).toBe('0');
      advance(5);
      expect(await statuses(oco.id, replacement.id)).toStrictEqual(['replaced', 'new']);
      expect((await fetchOrder(replacement.id, '?nested=true')).legs?.map((leg) => leg.id)).toStrictEqual([
        oco.legs[0]!.id,
      ]);
      expect((await fetchOrder(oco.id, '?nested=true')).legs).toBeNull();
      expect(await available()).toBe('0');
      await price(104, 104.02);
      expect(await statuses(replacement.id, oco.legs[0]!.id)).toStrictEqual(['filled', 'canceled']);
    });

    it("refuses replacing a bracket's entry and a leg's qty or time in force", async () => {
      await start();
      const parent = await placeGroup(bracket({ type: 'limit', limit_price: '99.5' }));
      advance();
      const entry = await rest(running.sim, 'PATCH', `/v2/orders/${parent.id}`, { limit_price: '99.4' });
      expect(entry.body).toStrictEqual({
        code: 42210000,
        message: 'cannot replace the entry order of a bracket order; replace its legs',
      });
      await price(99.48, 99.5);
      const takeProfit = parent.legs[0]!.id;
      for (const [body, field] of [
        [{ qty: '5' }, 'qty'],
        [{ time_in_force: 'day' }, 'time_in_force'],
      ] as const) {
        const answer = await rest(running.sim, 'PATCH', `/v2/orders/${takeProfit}`, body);
        expect(answer.status).toBe(422);
        expect(answer.body.message).toBe(
          `${field} cannot be replaced on an order of a bracket order; only limit_price and stop_price can`,
        );
      }
      const limit = await rest(running.sim, 'PATCH', `/v2/orders/${takeProfit}`, { limit_price: '102' });
      expect(limit.status, JSON.stringify(limit.body)).toBe(200);
    });
  });

  describe('validation', () => {
    it.each([
      [
        'a bracket without stop_loss',
        bracket({ stop_loss: undefined }),
        40010001,
        'bracket orders require stop_loss.stop_price',
      ],
      [
        'a bracket without take-profit price',
        bracket({ take_profit: {} }),
        40010001,
        'bracket orders require take_profit.limit_price',
      ],
      [
        'a stop entry',
        bracket({ type: 'stop', stop_price: '101' }),
        40010001,
        'bracket orders must be market or limit orders',
      ],
      [
        'an ioc bracket',
        bracket({ time_in_force: 'ioc' }),
        42210000,
        'bracket orders must have time_in_force day or gtc',
      ],
      [
        'an extended-hours bracket',
        bracket({ type: 'limit', limit_price: '100', time_in_force: 'day', extended_hours: true }),
        42210000,
        'extended hours are not supported for bracket orders',
      ],
      ['a fractional bracket', bracket({ qty: '1.5' }), 42210000, 'fractional orders must be simple orders'],
      [
        'a take-profit under the stop of a buy',
        bracket({ take_profit: { limit_price: '98' } }),
        42210000,
        'take_profit.limit_price must be greater than stop_loss.stop_price for a buy bracket order',
      ],
      [
        'a stop within a cent of the entry limit',
        bracket({ type: 'limit', limit_price: '99.5', stop_loss: { stop_price: '99.5' } }),
        42210000,
        'stop_loss.stop_price must be <= base_price - 0.01',
      ],
      [
        'a stop within a cent of the market',
        bracket({ stop_loss: { stop_price: '100.01' } }),
        42210000,
        'stop_loss.stop_price must be <= base_price - 0.01',
      ],
      [
        'a sub-penny take-profit',
        bracket({ take_profit: { limit_price: '101.001' } }),
        42210000,
        'invalid take_profit.limit_price',
      ],
      [
        'a malformed stop price',
        bracket({ stop_loss: { stop_price: 'abc' } }),
        40010001,
        'stop_loss.stop_price must be a decimal',
      ],
      [
        'a take_profit that is not an object',
        bracket({ take_profit: '101' }),
        40010001,
        'take_profit must be an object',
      ],
      [
        'an oto with both legs',
        bracket({ order_class: 'oto' }),
        40010001,
        'oto orders require exactly one of take_profit or stop_loss',
      ],
      [
        'an oto with no leg',
        bracket({ order_class: 'oto', take_profit: null, stop_loss: null }),
        40010001,
        'oto orders require exactly one of take_profit or stop_loss',
      ],
      [
        'a market oco',
        bracket({ order_class: 'oco', side: 'sell' }),
        40010001,
        'oco orders must be limit orders',
      ],
      [
        'an oco whose limit is not its take-profit',
        bracket({ order_class: 'oco', side: 'sell', type: 'limit', limit_price: '102' }),
        40010001,
        'limit_price must equal take_profit.limit_price for oco orders',
      ],
      [
        'legs on a simple order',
        bracket({ order_class: 'simple' }),
        40010001,
        'take_profit and stop_loss only apply',
      ],
      [
        'an unknown order class',
        bracket({ order_class: 'triple' }),
        40010001,
        'invalid order_class "triple"',
      ],
      [
        'an options order class',
        bracket({ order_class: 'mleg' }),
        42210000,
        'order_class "mleg" is for options',
      ],
      [
        'a crypto bracket',
        bracket({
          symbol: 'BTC/USD',
          take_profit: { limit_price: '70000' },
          stop_loss: { stop_price: '60000' },
        }),
        42210000,
        'bracket orders are not supported for crypto',
      ],
    ])('refuses %s', async (_name, body, code, message) => {
      await start();
      const answer = await post(body);
      expect(answer.status).toBe(422);
      const error = errorBodySchema.parse(answer.body);
      expect(error.code).toBe(code);
      expect(error.message).toContain(message);
      expect(await listOrders('?status=all')).toStrictEqual([]);
    });

    it('names the base price a stop-loss is too close to', async () => {
      await start();
      const answer = await post(bracket({ stop_loss: { stop_price: '100.01' } }));
      expect(answer.body).toStrictEqual({
        code: 42210000,
        message: 'stop_loss.stop_price must be <= base_price - 0.01',
        base_price: '100.01',
      });
    });

    it('refuses a bracket that would close a position: bracket entries open or add', async () => {
      await start();
      await buyAtMarket(running.sim, 'AAPL', 10);
      advance();
      const answer = await post(
        bracket({ side: 'sell', take_profit: { limit_price: '99' }, stop_loss: { stop_price: '101' } }),
      );
      expect(answer.body).toStrictEqual({ code: 42210000, message: 'bracket orders must be entry orders' });
    });
  });
});
