import { describe, expect, it } from 'vitest';
import { ClosedOrders } from '../../../sim/trading/closed-orders.ts';
import type { SimOrder } from '../../../sim/trading/sim-order.ts';
import { simOrderFor } from './sim-order-fixture.ts';

/** Takes every order out, oldest first, with the keys the queue gave for each. */
function drain(queue: ClosedOrders): [SimOrder | undefined, number, number][] {
  const out: [SimOrder | undefined, number, number][] = [];
  while (queue.size > 0) {
    const order = queue.shift();
    out.push([order, queue.shiftedIdKey, queue.shiftedClientOrderIdKey]);
  }
  return out;
}

describe('ClosedOrders', () => {
  it('gives orders back oldest first, with their keys, across the end of its ring and as it grows', () => {
    const queue = new ClosedOrders(16);
    const pushed: SimOrder[] = [];
    const taken: [SimOrder | undefined, number, number][] = [];
    // Ten in, six out, then forty in: the ring wraps, then doubles twice while wrapped.
    for (let i = 0; i < 10; i++) pushed.push(simOrderFor(`closed-${i}`));
    for (const order of pushed) queue.push(order);
    for (let i = 0; i < 6; i++) {
      const order = queue.shift();
      taken.push([order, queue.shiftedIdKey, queue.shiftedClientOrderIdKey]);
    }
    for (let i = 10; i < 50; i++) {
      const order = simOrderFor(`closed-${i}`);
      pushed.push(order);
      queue.push(order);
    }
    expect(queue.size).toBe(44);
    taken.push(...drain(queue));
    expect(taken).toStrictEqual(pushed.map((order) => [order, order.idKey, order.clientOrderIdKey]));
  });

  it('puts an order whose legs still work back at the end, and gives it once they are done', () => {
    const queue = new ClosedOrders(4);
    const parent = simOrderFor('parent');
    const leg = simOrderFor('leg');
    parent.legs = [leg];
    parent.status = 'filled';
    leg.status = 'new';
    const other = simOrderFor('other');
    queue.push(parent);
    queue.push(other);
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(2);
    expect([queue.shift(), queue.shiftedIdKey]).toStrictEqual([other, other.idKey]);
    leg.status = 'canceled';
    expect([queue.shift(), queue.shiftedIdKey, queue.shiftedClientOrderIdKey]).toStrictEqual([
      parent,
      parent.idKey,
      parent.clientOrderIdKey,
    ]);
    expect(queue.size).toBe(0);
  });
});
