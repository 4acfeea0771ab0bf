import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenOrders } from '../../../sim/trading/open-orders.ts';
import type { SimOrder } from '../../../sim/trading/sim-order.ts';
import { simOrderFor } from './sim-order-fixture.ts';

/** The list as its links give it, first to last. */
function linked(open: OpenOrders): SimOrder[] {
  const orders: SimOrder[] = [];
  for (let order = open.first; order !== null; order = order.nextOpen) orders.push(order);
  return orders;
}

describe('OpenOrders', () => {
  it('behaves as a Set of orders in insertion order under any adds and deletes', () => {
    const operation = fc.record({ add: fc.boolean(), at: fc.nat({ max: 5 }) });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        // An order is on one engine's list at most: each run has its own.
        const orders = Array.from({ length: 6 }, (_, i) => simOrderFor(`open-${i}`));
        const open = new OpenOrders();
        const model = new Set<SimOrder>();
        for (const { add, at } of operations) {
          const order = orders[at]!;
          if (add) {
            open.add(order);
            model.add(order);
          } else {
            expect(open.delete(order)).toBe(model.delete(order));
          }
          expect(linked(open)).toStrictEqual([...model]);
          expect([...open]).toStrictEqual([...model]);
          expect(open.size).toBe(model.size);
          for (const each of orders) expect(open.has(each)).toBe(model.has(each));
        }
      }),
    );
  });

  it('walks on past the current order when it is removed during iteration', () => {
    const open = new OpenOrders();
    const orders = Array.from({ length: 3 }, (_, i) => simOrderFor(`walk-${i}`));
    for (const order of orders) open.add(order);
    const seen: SimOrder[] = [];
    for (const order of open) {
      seen.push(order);
      open.delete(order);
    }
    expect([seen, open.size, open.first]).toStrictEqual([orders, 0, null]);
  });
});
