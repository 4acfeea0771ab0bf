/**
 * The signal path end to end on the local stack: a closed bar enters the engine → the engine's
 * publisher → the bars queue (fauxqs) → the local event source → the signal function (idempotency
 * in dynalite) → the signals queue → the engine's consumer → the strategy's onSignal → risk and
 * execution → an order at the simulator, read back from the simulator itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SignalPathStack,
  STRATEGY_ID,
  startSignalPathStack,
} from '../../bench/signals/signal-path-stack.ts';
import { signalId } from '../../shared/signals/signal-message.ts';
import { expectedDirection } from '../support/signals/alternating-signal-generator.ts';
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

  it('turns closed bars into signals and the signals into orders at the venue', async () => {
    // The test double goes long on even minutes and flat on odd ones: start on an even minute.
    const first = stack.bar(0);
    const firstMinute = first / 60_000_000;
    const offset = firstMinute % 2 === 0 ? 0 : 1;
    const buyBar = offset === 0 ? first : stack.bar(1);
    expect(expectedDirection(buyBar)).toBe('long');
    const buyId = signalId(STRATEGY_ID, SYMBOL, buyBar);

    const buy = await eventually(
      () => venue.orders(SYMBOL),
      (orders) => orders.some((order) => order.status === 'filled'),
    );
    // The strategy asks for a market order; risk's market-order protection sends it as a limit.
    expect(buy.map((order) => [order.side, order.type, order.status])).toStrictEqual([
      ['buy', 'limit', 'filled'],
    ]);
    expect(stack.sent.map((s) => s.intent.intentId)).toStrictEqual([buyId]);

    // Past the duplicate window of the shipped risk limits, the next (odd) minute closes: flat.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const sellBar = stack.bar(offset + 1);
    expect(expectedDirection(sellBar)).toBe('short');
    const both = await eventually(
      () => venue.orders(SYMBOL),
      (orders) => orders.filter((order) => order.status === 'filled').length === 2,
    );
    expect(both.map((order) => [order.side, order.status])).toStrictEqual([
      ['buy', 'filled'],
      ['sell', 'filled'],
    ]);
    expect(stack.sent.map((s) => s.intent.intentId)).toStrictEqual([
      buyId,
      signalId(STRATEGY_ID, SYMBOL, sellBar),
    ]);
    expect(await venue.positions()).toStrictEqual({});
    const received = await stack.registry.getSingleMetric('engine_signals_received_total')!.get();
    expect(received.values.map((v) => [v.labels.outcome, v.value])).toContainEqual([
      'handled',
      offset === 0 ? 2 : 3,
    ]);
  });
});
