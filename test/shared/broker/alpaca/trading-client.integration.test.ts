import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlpacaTradingClient } from '../../../../shared/broker/alpaca/trading-client.ts';
import { AlpacaApiError } from '../../../../shared/broker/alpaca/trading-client-errors.ts';
import { parseFixed } from '../../../../shared/domain/fixed.ts';
import type { OrderRequest } from '../../../../shared/venue/venue-types.ts';
import { type Simulator, startSimulator } from '../../../../sim/simulator.ts';

const f = parseFixed;

describe('Integration: AlpacaTradingClient against the simulator', () => {
  let sim: Simulator;
  let client: AlpacaTradingClient;
  let next = 0;

  beforeAll(async () => {
    sim = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
    sim.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 1_000, askSize: 1_000 });
    sim.market.setQuote('MSFT', { bidPrice: 400, askPrice: 400.1, bidSize: 1_000, askSize: 1_000 });
    client = new AlpacaTradingClient({
      baseUrl: sim.baseUrl,
      credentials: { keyId: sim.context.credentials.keyId, secretKey: sim.context.credentials.secretKey },
    });
  });

  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  function order(fields: Partial<OrderRequest>): OrderRequest {
    next += 1;
    return {
      symbol: 'AAPL',
      qty: f('1'),
      side: 'buy',
      type: 'limit',
      timeInForce: 'gtc',
      clientOrderId: `client-test-${next}`,
      ...fields,
    };
  }

  it.each<[string, Partial<OrderRequest>]>([
    ['market day', { type: 'market', timeInForce: 'day' }],
    ['limit gtc', { limitPrice: f('90') }],
    ['stop gtc', { type: 'stop', stopPrice: f('110') }],
    ['stop_limit day', { type: 'stop_limit', timeInForce: 'day', stopPrice: f('110'), limitPrice: f('111') }],
    ['trailing_stop by percent', { type: 'trailing_stop', trailPercent: f('2') }],
    ['trailing_stop by price', { type: 'trailing_stop', timeInForce: 'day', trailPrice: f('1.5') }],
    ['limit ioc', { timeInForce: 'ioc', limitPrice: f('90') }],
    ['limit fok', { timeInForce: 'fok', limitPrice: f('100.02') }],
    ['limit opg', { timeInForce: 'opg', limitPrice: f('101') }],
    ['limit cls', { timeInForce: 'cls', limitPrice: f('101') }],
  ])('places a %s order and reads it back by client_order_id', async (_name, fields) => {
    const request = order(fields);
    const placed = await client.submitOrder(request);
    expect(placed).toMatchObject({
      clientOrderId: request.clientOrderId,
      type: request.type,
      timeInForce: request.timeInForce,
    });
    const found = await client.getOrderByClientOrderId(request.clientOrderId);
    expect(found?.id).toBe(placed.id);
    expect((await client.getOrder(placed.id))?.clientOrderId).toBe(request.clientOrderId);
  });

  it('refuses a reused client_order_id with Alpaca code 40010001', async () => {
    const request = order({ limitPrice: f('80') });
    await client.submitOrder(request);
    const error = await client.submitOrder(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AlpacaApiError);
    expect(error).toMatchObject({ status: 422, code: 40010001, clientOrderId: request.clientOrderId });
  });

  it('replaces, cancels, lists, and reads account, positions, clock and calendar', async () => {
    const resting = await client.submitOrder(order({ limitPrice: f('85') }));
    await waitForStatus(resting.id, 'new');
    const replacement = await client.replaceOrder(resting.id, {
      limitPrice: f('86'),
      clientOrderId: 'client-test-r',
    });
    expect(replacement).toMatchObject({ replaces: resting.id, limitPrice: f('86') });
    await waitForStatus(replacement.id, 'new');
    await client.cancelOrder(replacement.id);

    const account = await client.getAccount();
    expect(account.currency).toBe('USD');
    expect(account.equity).toBeGreaterThan(0n);
    const positions = await client.listPositions();
    expect(positions.find((position) => position.symbol === 'AAPL')?.qty).toBeGreaterThan(0n);
    expect(await client.getPosition('MSFT')).toBeNull();
    expect((await client.getClock()).isOpen).toBe(true);
    const days = await client.getCalendar('2026-11-23', '2026-11-27');
    expect(days[0]).toMatchObject({ date: '2026-11-23', open: expect.stringMatching(/^\d{2}:\d{2}$/) });
    expect((await client.listOrders({ status: 'all', limit: 500 })).length).toBeGreaterThan(10);

    const canceled = await client.cancelAllOrders();
    expect(canceled.every((item) => item.status === 200)).toBe(true);
    const closed = await client.closeAllPositions(true);
    expect(closed.map((item) => item.key)).toContain('AAPL');
  });

  async function waitForStatus(orderId: string, status: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await client.getOrder(orderId))?.status === status) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`order ${orderId} never reached ${status}`);
  }
});
