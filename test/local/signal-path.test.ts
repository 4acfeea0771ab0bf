/**
 * The signal path end to end on the local stack: a closed bar enters the engine → the engine's
 * publisher → the bars queue (fauxqs) → the local event source → the signal function (idempotency
 * in dynalite, scoring each window with the model) → the signals queue → the engine's consumer →
 * the model-driven strategy → risk and execution → an order at the simulator, read back from the
 * simulator itself.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SignalPathStack,
  STRATEGY_ID,
  startSignalPathStack,
} from '../../bench/signals/signal-path-stack.ts';
import { formatFixed } from '../../shared/domain/fixed.ts';
import { eventually } from '../support/signals/signal-queues.ts';
import { VenueAdmin } from '../support/venue-admin.ts';

const SYMBOL = 'AAPL';

describe('Signal path on the local stack (simulator, fauxqs, dynalite, signal function, engine)', () => {
  let stack: SignalPathStack;
  let venue: VenueAdmin;

  beforeAll(async () => {
    stack = await startSignalPathStack({ symbol: SYMBOL, price: 190 });
    venue = new VenueAdmin(stack.simulator.baseUrl);
  });

  afterAll(async () => {
    await venue?.close();
    await stack?.close();
  });

  it('turns closed bars into signals and the signals into the positions the model asks for, at the venue', async () => {
    stack.bar(0);
    // 0.4 % up on the bar before: long at full strength, 1000 dollars of shares at 190.76.
    const buyBar = stack.bar(1, true);
    const buy = await eventually(
      () => venue.orders(SYMBOL),
      (orders) => orders.some((order) => order.status === 'filled'),
    );
    // The strategy asks for a market order; risk's market-order protection sends it as a limit.
    expect(buy.map((order) => [order.side, formatFixed(order.qty), order.type, order.status])).toStrictEqual([
      ['buy', '5', 'limit', 'filled'],
    ]);
    expect(stack.sent.map((s) => s.intent.intentId)).toStrictEqual([
      `${STRATEGY_ID}:${SYMBOL}:${buyBar}:buy`,
    ]);

    // Past the duplicate window of the shipped risk limits, the next bar closes back down: flat.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const sellBar = stack.bar(2);
    const both = await eventually(
      () => venue.orders(SYMBOL),
      (orders) => orders.filter((order) => order.status === 'filled').length === 2,
    );
    expect(both.map((order) => [order.side, formatFixed(order.qty), order.status])).toStrictEqual([
      ['buy', '5', 'filled'],
      ['sell', '5', 'filled'],
    ]);
    expect(stack.sent.map((s) => s.intent.intentId)).toStrictEqual([
      `${STRATEGY_ID}:${SYMBOL}:${buyBar}:buy`,
      `${STRATEGY_ID}:${SYMBOL}:${sellBar}:sell`,
    ]);
    expect(await venue.positions()).toStrictEqual({});
    // Two signals came back: the first bar had no bar before it to make a return of.
    const received = await stack.registry.getSingleMetric('engine_signals_received_total')!.get();
    expect(received.values.map((v) => [v.labels.outcome, v.value])).toContainEqual(['handled', 2]);
  });
});
