/**
 * The closed orders a venue keeps known (closedOrderLimit), oldest first, each with the index keys
 * it is known by (order-index.ts).
 *
 * The oldest is forgotten as a new order closes, a limit's worth of orders after it closed, when
 * its memory is out of cache: its keys come from this queue's own arrays, so forgetting it reads
 * the order only when it had legs (whose group may still work). A ring of fixed capacity, so a
 * steady stream of orders moves no memory: a queue of arrays that were pushed to and sliced copied
 * and regrew them three times in every 1,024 orders, each a ~5–10 µs pause of one round trip
 * (`venue.inprocess_order_roundtrip`), 0.3% of them.
 */
import { isTerminal, type SimOrder } from './sim-order.ts';

/** In place of an id's key: the order had legs when it closed, so it is asked whether they still work. */
const HAD_LEGS = -1;

export class ClosedOrders {
  #orders: (SimOrder | undefined)[];
  /** Per order: its id's key, or HAD_LEGS. */
  #idKeys: Int32Array;
  #clientOrderIdKeys: Int32Array;
  #mask: number;
  #head = 0;
  #size = 0;
  /** The keys of the order `shift` took out last. */
  shiftedIdKey = 0;
  shiftedClientOrderIdKey = 0;

  /** `expected`: how many orders it will hold; it grows beyond when it must. */
  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected) capacity *= 2;
    this.#orders = new Array<SimOrder | undefined>(capacity).fill(undefined);
    this.#idKeys = new Int32Array(capacity);
    this.#clientOrderIdKeys = new Int32Array(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
  }

  push(order: SimOrder): void {
    if (this.#size === this.#orders.length) this.#grow();
    const at = (this.#head + this.#size) & this.#mask;
    this.#orders[at] = order;
    // An order without legs when it closes never gets any (legs are made with their parent).
    this.#idKeys[at] = order.legs.length > 0 ? HAD_LEGS : order.idKey;
    this.#clientOrderIdKeys[at] = order.clientOrderIdKey;
    this.#size++;
  }

  /**
   * Takes the oldest order out, its keys in `shiftedIdKey` and `shiftedClientOrderIdKey`. Undefined
   * when that order's legs still work: it went back to the end of the queue instead.
   */
  shift(): SimOrder | undefined {
    const at = this.#head;
    const order = this.#orders[at]!;
    const idKey = this.#idKeys[at]!;
    this.shiftedClientOrderIdKey = this.#clientOrderIdKeys[at]!;
    this.#orders[at] = undefined;
    this.#head = (at + 1) & this.#mask;
    this.#size--;
    if (idKey !== HAD_LEGS) {
      this.shiftedIdKey = idKey;
      return order;
    }
    if (order.legs.some(isOpen)) {
      this.push(order);
      return undefined;
    }
    this.shiftedIdKey = order.idKey;
    return order;
  }

  /** Doubles the ring, oldest first from slot 0. */
  #grow(): void {
    const capacity = this.#orders.length * 2;
    const orders = new Array<SimOrder | undefined>(capacity).fill(undefined);
    const idKeys = new Int32Array(capacity);
    const clientOrderIdKeys = new Int32Array(capacity);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) & this.#mask;
      orders[i] = this.#orders[from];
      idKeys[i] = this.#idKeys[from]!;
      clientOrderIdKeys[i] = this.#clientOrderIdKeys[from]!;
    }
    this.#orders = orders;
    this.#idKeys = idKeys;
    this.#clientOrderIdKeys = clientOrderIdKeys;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
}

function isOpen(leg: SimOrder): boolean {
  return !isTerminal(leg.status);
}
