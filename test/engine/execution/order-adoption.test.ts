import { describe, expect, it } from 'vitest';
import { adoptedOrderIntent, needsAdoption } from '../../../engine/execution/order-adoption.ts';
import { OrderTracker } from '../../../engine/execution/order-tracker.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { bookFill, f, harness } from '../risk/risk-fixtures.ts';
import { venueOrder } from './venue-order-fixture.ts';

/** One of ours from before a crash: a buy of 39 at a 100 limit that bought 13 before it. */
const beforeCrash = venueOrder({
  clientOrderId: 'before-crash',
  qty: f('39'),
  filledQty: f('13'),
  filledAvgPrice: f('100'),
  limitPrice: f('100'),
  status: 'partially_filled',
});

describe('Function: adoptedOrderIntent', () => {
  it("counts the order's unfilled rest once a restart's reconciliation books its earlier fills", () => {
    const { risk } = harness();
    const tracker = new OrderTracker();
    const adopted = adoptedOrderIntent(beforeCrash, tracker, 0);
    expect(adopted.qty).toBe(f('39'));
    risk.onOrderSubmitted(beforeCrash.clientOrderId, adopted);
    for (const booking of tracker.reconcile(beforeCrash).bookings) bookFill(risk, booking);

    // 13 held at 100 and 26 still working at the 100 limit.
    expect(risk.symbolExposure('AAPL')).toBe(f('3900'));
    expect(risk.positions.position('AAPL').qty).toBe(f('13'));
  });

  it('leaves out what this process already booked of the order', () => {
    const tracker = new OrderTracker();
    tracker.reconcile(beforeCrash);
    expect(adoptedOrderIntent(beforeCrash, tracker, 0).qty).toBe(f('26'));
  });
});

const never = (): boolean => false;

describe('Function: needsAdoption', () => {
  it('adopts a working order this process neither sent nor counts yet', () => {
    expect(needsAdoption(venueOrder({ status: 'partially_filled' }), undefined, never, never)).toBe(true);
  });

  it('adopts nothing that is final, sent by this process, or already counted', () => {
    const intent = {
      intentId: 'i',
      strategyId: 's',
      symbol: 'AAPL',
      assetClass: 'us_equity',
      side: 'buy',
      qty: parseFixed('10'),
      type: 'limit',
      timeInForce: 'day',
      referencePrice: parseFixed('100'),
      purpose: 'entry',
      createdAtMs: 0,
    } as const;
    expect(needsAdoption(venueOrder({ status: 'filled' }), undefined, never, never)).toBe(false);
    expect(needsAdoption(venueOrder(), intent, never, never)).toBe(false);
    expect(needsAdoption(venueOrder(), undefined, () => true, never)).toBe(false);
  });

  it('adopts nothing from a late report of an order the engine already knows to be final', () => {
    // A partial fill delivered after a reconciliation found the order filled: adopting it would
    // leave risk counting a working buy that no report will ever end.
    const late = venueOrder({ status: 'partially_filled', filledQty: parseFixed('2') });
    expect(needsAdoption(late, undefined, never, (clientOrderId) => clientOrderId === 'client-1')).toBe(
      false,
    );
  });
});
