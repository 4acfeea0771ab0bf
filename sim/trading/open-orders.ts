/**
 * The matching engine's open (non-terminal) orders, in submission order, linked through the
 * orders themselves.
 *
 * A Set kept them before. On a venue that fills an order as it arrives (the in-process round
 * trip), each order that closes empties it, and V8 rebuilds a Set's table every time it empties
 * (~190 bytes and ~10 ns an order); every `for…of` over it also made an iterator. Here adding and
 * removing touch only the order and its neighbours, and the loops run per admission (holds,
 * reservations, the wash-trade check) walk `first` and `nextOpen` without allocating.
 */
import type { SimOrder } from './sim-order.ts';

/** What the engine's helpers read: they never add or remove. */
export interface OpenOrderList extends Iterable<SimOrder> {
  readonly size: number;
  /** The oldest open order; each order's `nextOpen` is the one submitted after it. */
  readonly first: SimOrder | null;
  has(order: SimOrder): boolean;
}

export class OpenOrders implements OpenOrderList {
  #first: SimOrder | null = null;
  #last: SimOrder | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get first(): SimOrder | null {
    return this.#first;
  }

  has(order: SimOrder): boolean {
    return order.listedOpen;
  }

  add(order: SimOrder): void {
    if (order.listedOpen) return;
    order.listedOpen = true;
    order.prevOpen = this.#last;
    order.nextOpen = null;
    if (this.#last === null) this.#first = order;
    else this.#last.nextOpen = order;
    this.#last = order;
    this.#size++;
  }

  /** Whether the order was open (and is no longer). */
  delete(order: SimOrder): boolean {
    if (!order.listedOpen) return false;
    const { prevOpen, nextOpen } = order;
    if (prevOpen === null) this.#first = nextOpen;
    else prevOpen.nextOpen = nextOpen;
    if (nextOpen === null) this.#last = prevOpen;
    else nextOpen.prevOpen = prevOpen;
    order.prevOpen = null;
    order.nextOpen = null;
    order.listedOpen = false;
    this.#size--;
    return true;
  }

  /** In submission order; an order removed while it is the current one does not end the walk. */
  *[Symbol.iterator](): Iterator<SimOrder> {
    for (let order = this.#first; order !== null; ) {
      const next = order.nextOpen;
      yield order;
      order = next;
    }
  }
}
