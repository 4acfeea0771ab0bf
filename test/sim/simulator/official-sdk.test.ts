/**
 * The official SDK (@alpacahq/alpaca-trade-api 4) pointed at the simulator: its trading client
 * places, lists, replaces and cancels orders and reads positions and account, and its
 * trade-updates stream sees the orders' events. REST is redirected with the SDK's own fetchApi
 * option; the stream with its url option (the SDK's README,
 * https://github.com/alpacahq/alpaca-trade-api-js).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { sdkFor } from './official-sdk-client.ts';

describe('official SDK against the simulator', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('places, lists, replaces and cancels orders and reads account and positions', async () => {
    sim = await startSimulator({ symbols: ['AAPL', 'MSFT'], market: 'scripted' });
    sim.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 1000, askSize: 1000 });
    const alpaca = sdkFor(sim);
    const stream = alpaca.trading.stream({ url: sim.tradeUpdatesUrl });
    const events: string[] = [];
    stream.onTradeUpdate((update) => events.push(`${update.event}`));
    stream.onConnect(() => stream.subscribeTradeUpdates());
    stream.connect();
    expect(await stream.waitForAuthentication(5000)).toBe(true);

    const { clocks } = await alpaca.trading.clock.clock();
    expect(clocks[0]!.phase).toBe('core');
    expect((await alpaca.trading.clock.legacyClock()).isOpen).toBe(true);
    const account = await alpaca.trading.account.getAccount();
    expect(String(account.cash)).toBe('100000');

    const bought = await alpaca.trading.orders.market({
      symbol: 'AAPL',
      side: 'buy',
      qty: 5,
      clientOrderId: 'sdk-buy-1',
    });
    expect(bought.clientOrderId).toBe('sdk-buy-1');
    const limit = await alpaca.trading.orders.limit({
      symbol: 'AAPL',
      side: 'buy',
      qty: 2,
      limitPrice: 90,
      clientOrderId: 'sdk-limit-1',
    });

    await expect
      .poll(async () =>
        String((await alpaca.trading.orders.getOrderByOrderID({ orderId: bought.id! })).status),
      )
      .toBe('filled');
    const open = await alpaca.trading.orders.getAllOrders({ status: 'open' });
    expect(open.map((order) => order.id)).toStrictEqual([limit.id]);
    const byClientId = await alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId: 'sdk-limit-1' });
    expect(byClientId.id).toBe(limit.id);

    await expect
      .poll(async () =>
        String((await alpaca.trading.orders.getOrderByOrderID({ orderId: limit.id! })).status),
      )
      .toBe('new');
    const replaced = await alpaca.trading.orders.patchOrderByOrderId({
      orderId: limit.id!,
      patchOrderRequest: { qty: '3', limitPrice: '91' },
    });
    expect(replaced.replaces).toBe(limit.id);
    await expect
      .poll(async () =>
        String((await alpaca.trading.orders.getOrderByOrderID({ orderId: replaced.id! })).status),
      )
      .toBe('new');
    await alpaca.trading.orders.deleteOrderByOrderID({ orderId: replaced.id! });
    await expect
      .poll(async () =>
        String((await alpaca.trading.orders.getOrderByOrderID({ orderId: replaced.id! })).status),
      )
      .toBe('canceled');

    const positions = await alpaca.trading.positions.getAllOpenPositions();
    expect(positions.map((position) => [position.symbol, String(position.qty)])).toStrictEqual([
      ['AAPL', '5'],
    ]);
    const position = await alpaca.trading.positions.getOpenPosition({ symbolOrAssetId: 'AAPL' });
    expect(String(position.avgEntryPrice)).toBe('100.02');
    const closing = await alpaca.trading.positions.deleteOpenPosition({ symbolOrAssetId: 'AAPL', qty: 2 });
    expect(String(closing.side)).toBe('sell');
    const cancelAll = await alpaca.trading.orders.deleteAllOrders();
    expect(Array.isArray(cancelAll)).toBe(true);

    await expect
      .poll(() => events.includes('canceled') && events.includes('replaced') && events.includes('fill'))
      .toBe(true);
    stream.disconnect();
  });

  it('reports Alpaca errors through the SDK', async () => {
    sim = await startSimulator({ symbols: ['AAPL'], market: 'scripted' });
    const alpaca = sdkFor(sim);
    await alpaca.trading.orders.limit({
      symbol: 'AAPL',
      side: 'buy',
      qty: 1,
      limitPrice: 90,
      clientOrderId: 'dup',
    });
    const duplicate = alpaca.trading.orders.limit({
      symbol: 'AAPL',
      side: 'buy',
      qty: 1,
      limitPrice: 90,
      clientOrderId: 'dup',
    });
    await expect(duplicate).rejects.toMatchObject({ status: 422 });
  });
});
