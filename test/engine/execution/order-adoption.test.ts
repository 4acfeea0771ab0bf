import { describe, expect, it } from 'vitest';
import { adoptedOrderIntent } from '../../../engine/execution/order-adoption.ts';
import { OrderTracker } from '../../../engine/execution/order-tracker.ts';
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
