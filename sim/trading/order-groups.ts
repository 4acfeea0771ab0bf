/**
 * How the orders of one bracket, oco or oto submission act on each other, as Alpaca's order
 * documentation describes it (https://docs.alpaca.markets/docs/orders-at-alpaca):
 *
 * - held legs are sent to the market once their entry is completely filled;
 * - when an exit fills, the other exit of the group is canceled (one cancels other); a partial
 *   fill shrinks the other exit to the same unfilled rest;
 * - when an order of the group is canceled or rejected, the group's other open orders are
 *   canceled;
 * - when an entry ends without filling completely (canceled, expired, rejected), its held legs
 *   are canceled; a partly filled entry's shares are then left without exits;
 * - a replaced leg (or oco parent) hands its place in the group to its replacement.
 *
 * The matching engine calls in after each execution, end and replace; the group acts through
 * the engine's own operations, so every change has its event.
 */
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { OpenOrderList } from './open-orders.ts';
import type { SimOrder } from './sim-order.ts';

export interface OrderGroupActions {
  /** Sends a held leg to the market: it becomes new (accepted outside its session). */
  activate(leg: SimOrder): void;
  /** Cancels an open order now, with its event. */
  cancel(order: SimOrder): void;
  order(id: string): SimOrder | undefined;
}

/** A replacement still waiting for its replace to take effect: the replace decides its fate. */
function pendingReplacement(order: SimOrder): boolean {
  return order.replaces !== null && !order.routed;
}

export class OrderGroups {
  readonly #open: OpenOrderList;
  readonly #actions: OrderGroupActions;

  constructor(open: OpenOrderList, actions: OrderGroupActions) {
    this.#open = open;
    this.#actions = actions;
  }

  afterExecution(order: SimOrder): void {
    if (order.status === 'filled') {
      for (const leg of order.legs) if (leg.status === 'held') this.#actions.activate(leg);
    }
    if (order.ocoGroup === null) return;
    const rest = (order.qty! - order.filledQty) as Fixed;
    for (const sibling of this.#openMembers(order, (member) => member.ocoGroup === order.ocoGroup)) {
      if (rest > 0n) sibling.qty = (sibling.filledQty + rest) as Fixed;
      else this.#cancel(sibling);
    }
  }

  afterEnded(order: SimOrder, status: 'canceled' | 'expired' | 'rejected'): void {
    if (order.groupId === null) return;
    if (status === 'expired') {
      // Exits that expire do so together (same time in force, same session); an entry that
      // expires leaves its held legs nothing to protect.
      for (const leg of order.legs) if (leg.status === 'held') this.#cancel(leg);
      return;
    }
    for (const member of this.#openMembers(order, (other) => other.groupId === order.groupId)) {
      this.#cancel(member);
    }
  }

  afterReplaced(old: SimOrder, replacement: SimOrder): void {
    const parent = old.parentId === null ? undefined : this.#actions.order(old.parentId);
    if (parent !== undefined) parent.legs = parent.legs.map((leg) => (leg === old ? replacement : leg));
    if (old.legs.length > 0) {
      replacement.legs = old.legs;
      for (const leg of old.legs) leg.parentId = replacement.id;
      old.legs = [];
    }
  }

  /** Cancels a member still open (an earlier cancel's own group effects may have ended it). */
  #cancel(member: SimOrder): void {
    if (this.#open.has(member) && !pendingReplacement(member)) this.#actions.cancel(member);
  }

  #openMembers(order: SimOrder, belongs: (member: SimOrder) => boolean): SimOrder[] {
    return [...this.#open].filter((member) => member !== order && belongs(member));
  }
}
