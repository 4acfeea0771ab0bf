/**
 * The matching engine's orders by a text they are known by (id, client_order_id): an open-addressing
 * hash table (linear probing, deletion by backward shift) of 30-bit keys of the text (`textKey`)
 * in a typed array, beside the orders.
 *
 * Why not a Map of text to order: a venue that keeps only its last closed orders
 * (closedOrderLimit) adds an order and forgets one for every order it takes, and
 * - a Map never reuses a deleted entry's place: it rebuilds its table once deletions fill it, a
 *   copy of every entry (with 1,000 orders kept, twice a ~1,050 orders, two tables, ~5–10 µs each);
 * - a Map compares a string key with each candidate of its bucket by reading the candidate, and
 *   the order forgotten closed a limit's worth of orders ago: its strings are out of every cache.
 * Here a slot is freed for the next order, nothing is ever rebuilt once the table is big enough,
 * keys are compared in the typed array, and an order is forgotten by the key it was added under
 * (closed-orders.ts keeps it) and found by identity, without reading it or its strings.
 *
 * Two texts can share a key: both are kept, and a lookup by text reads the text of each order
 * whose key matches until it finds its own.
 */
import type { SimOrder } from './sim-order.ts';

let lastText = '';
let lastKey = textKeyOf('');

/**
 * MurmurHash3 (x86, 32-bit) of the text's UTF-16 code units, two a block, folded to 30 bits. The
 * last text's key is remembered: a client_order_id is looked up at admission, then added.
 */
export function textKey(text: string): number {
  if (text === lastText) return lastKey;
  const key = textKeyOf(text);
  lastText = text;
  lastKey = key;
  return key;
}

function textKeyOf(text: string): number {
  const length = text.length;
  let h = length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    h ^= mixBlock(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < length) h ^= mixBlock(text.charCodeAt(i));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 2;
}

function mixBlock(block: number): number {
  const k = Math.imul(block, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}

/** A free slot's key: textKey is never negative. */
const FREE = -1;
const INITIAL_CAPACITY = 16;

export class OrderIndex {
  readonly #textOf: (order: SimOrder) => string;
  /** Per slot: the key of its order, or FREE. A key's first slot is key & mask. */
  #keys: Int32Array;
  #orders: (SimOrder | undefined)[];
  #mask: number;
  #size = 0;

  /** `textOf`: the text an order is indexed by. */
  constructor(textOf: (order: SimOrder) => string) {
    this.#textOf = textOf;
    this.#keys = new Int32Array(INITIAL_CAPACITY).fill(FREE);
    this.#orders = new Array<SimOrder | undefined>(INITIAL_CAPACITY).fill(undefined);
    this.#mask = INITIAL_CAPACITY - 1;
  }

  get size(): number {
    return this.#size;
  }

  get(text: string): SimOrder | undefined {
    const slot = this.#find(text, textKey(text));
    return slot < 0 ? undefined : this.#orders[slot];
  }

  has(text: string): boolean {
    return this.#find(text, textKey(text)) >= 0;
  }

  /**
   * Indexes an order under its text, whose key is `key` (textKey of it). An order already indexed
   * under the same text is replaced, as Map.set replaces a value.
   */
  add(order: SimOrder, key: number): void {
    const same = this.#find(this.#textOf(order), key);
    if (same >= 0) {
      this.#orders[same] = order;
      return;
    }
    // At most half full, so probe sequences stay short.
    if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    this.#insert(order, key);
    this.#size++;
  }

  /** Takes an order out by the key it was added under; nothing happens unless it is indexed. */
  delete(order: SimOrder, key: number): void {
    const keys = this.#keys;
    const orders = this.#orders;
    const mask = this.#mask;
    let hole = key & mask;
    while (orders[hole] !== order) {
      if (keys[hole] === FREE) return;
      hole = (hole + 1) & mask;
    }
    // Backward shift: each later order of the run that may sit at the hole moves into it, so no
    // probe sequence ever crosses a free slot before its order.
    for (let next = (hole + 1) & mask; keys[next] !== FREE; next = (next + 1) & mask) {
      const home = keys[next]! & mask;
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        keys[hole] = keys[next]!;
        orders[hole] = orders[next];
        hole = next;
      }
    }
    keys[hole] = FREE;
    orders[hole] = undefined;
    this.#size--;
  }

  /** Every order indexed, in submission order. */
  orders(): SimOrder[] {
    const found: SimOrder[] = [];
    for (const order of this.#orders) if (order !== undefined) found.push(order);
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** The slot of the order indexed under `text` (whose key is `key`), or -1. */
  #find(text: string, key: number): number {
    const keys = this.#keys;
    const mask = this.#mask;
    for (let slot = key & mask; ; slot = (slot + 1) & mask) {
      const slotKey = keys[slot]!;
      if (slotKey === FREE) return -1;
      if (slotKey === key && this.#textOf(this.#orders[slot]!) === text) return slot;
    }
  }

  #insert(order: SimOrder, key: number): void {
    const keys = this.#keys;
    const mask = this.#mask;
    let slot = key & mask;
    while (keys[slot] !== FREE) slot = (slot + 1) & mask;
    keys[slot] = key;
    this.#orders[slot] = order;
  }

  #grow(): void {
    const keys = this.#keys;
    const orders = this.#orders;
    const capacity = keys.length * 2;
    this.#keys = new Int32Array(capacity).fill(FREE);
    this.#orders = new Array<SimOrder | undefined>(capacity).fill(undefined);
    this.#mask = capacity - 1;
    for (let slot = 0; slot < keys.length; slot++) {
      if (keys[slot] !== FREE) this.#insert(orders[slot]!, keys[slot]!);
    }
  }
}
