/**
 * Bracket, oco and oto orders placed with the official SDK's own builders (bracket, oco, oto),
 * on wall time: what the SDK sends is accepted, what the simulator answers is read back
 * through the SDK's models, and its trade-updates stream sees the legs' events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { sdkFor } from '../simulator/official-sdk-client.ts';

describe('bracket, oco and oto orders through the official SDK', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('places each class, lists legs nested and streams the legs', async () => {
    sim = await startSimulator({ symbols: ['AAPL', 'MSFT'], market: 'scripted' });
    const running = sim;
    const quote = (symbol: string, bid: number, ask: number) =>
      running.market.setQuote(symbol, { bidPrice: bid, askPrice: ask, bidSize: 1000, askSize: 1000 });
    quote('AAPL', 100, 100.02);
    quote('MSFT', 400, 400.1);
    const alpaca = sdkFor(sim);
    const stream = alpaca.trading.stream({ url: sim.tradeUpdatesUrl });
    const events: string[] = [];
    stream.onTradeUpdate((update) => events.push(`${update.event}:${update.order.id}`));
    stream.onConnect(() => stream.subscribeTradeUpdates());
    stream.connect();
    expect(await stream.waitForAuthentication(5000)).toBe(true);

    const bracket = await alpaca.trading.orders.bracket({
      symbol: 'AAPL',
      side: 'buy',
      qty: 5,
      timeInForce: 'gtc',
      takeProfit: { limitPrice: 101 },
      stopLoss: { stopPrice: 99, limitPrice: 98.5 },
    });
    expect(String(bracket.orderClass)).toBe('bracket');
    expect(bracket.legs?.map((leg) => [String(leg.type), String(leg.status)])).toStrictEqual([
      ['limit', 'held'],
      ['stop_limit', 'held'],
    ]);
    const [takeProfit, stopLoss] = bracket.legs!;
    await expect
      .poll(async () => {
        const [nested] = await alpaca.trading.orders.getAllOrders({ status: 'all', nested: true });
        return nested?.legs?.map((leg) => String(leg.status));
      })
      .toStrictEqual(['new', 'new']);

    const oto = await alpaca.trading.orders.oto({
      symbol: 'MSFT',
      side: 'buy',
      qty: 2,
      stopLoss: { stopPrice: 390 },
    });
    expect(oto.legs?.map((leg) => [String(leg.type), String(leg.side)])).toStrictEqual([['stop', 'sell']]);
    await expect
      .poll(async () => String((await alpaca.trading.orders.getOrderByOrderID({ orderId: oto.id! })).status))
      .toBe('filled');
    await alpaca.trading.orders.deleteOrderByOrderID({ orderId: oto.legs![0]!.id! });

    const oco = await alpaca.trading.orders.oco({
      symbol: 'MSFT',
      side: 'sell',
      qty: 2,
      timeInForce: 'gtc',
      takeProfit: { limitPrice: 410 },
      stopLoss: { stopPrice: 395 },
    });
    expect([String(oco.orderClass), String(oco.type), String(oco.limitPrice)]).toStrictEqual([
      'oco',
      'limit',
      '410',
    ]);
    await expect
      .poll(async () => {
        const open = await alpaca.trading.orders.getAllOrders({ symbols: ['MSFT'] });
        return open.map((order) => String(order.status));
      })
      .toStrictEqual(['new', 'new']);

    quote('AAPL', 101, 101.02);
    await expect
      .poll(() => [
        events.includes(`fill:${takeProfit!.id}`),
        events.includes(`canceled:${stopLoss!.id}`),
        events.includes(`new:${oco.legs![0]!.id}`),
      ])
      .toStrictEqual([true, true, true]);
    stream.disconnect();
  });
});
