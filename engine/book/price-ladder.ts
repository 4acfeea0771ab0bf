/**
 * One side of an L2 book: price levels in two parallel Float64Arrays, sorted so that the best
 * level is always the LAST element.
 *
 * Why this structure: crypto books hold tens to a few hundred levels per side and nearly every
 * change lands within a few levels of the top. With the best level at the end, a change there is
 * a binary search (about 7 comparisons for 100 levels) plus a copyWithin of the handful of
 * levels above it, reading the top is one array read, and nothing allocates after the arrays
 * grow to the book's depth. Measured on this 2-core machine (bench `book.update_l2`, 100-level
 * sides, random resizes, removals and insertions in the top 20 levels): p50 0.056 µs, p99 0.083 µs,
 * p99.9 0.10 µs, against a budget of 1 µs p99; reading the top (`book.top`) is about 0.015 µs. A balanced tree or skip list
 * would allocate a node per new level and chase pointers for the same O(log n) search; a Map of
 * price → size makes the best price an O(n) scan.
 *
 * Keys are stored as price for bids and -price for asks, so both sides sort ascending and share
 * one search.
 */

export type BookSide = 'bid' | 'ask';

const INITIAL_CAPACITY = 32;

export class PriceLadder {
  readonly side: BookSide;
  readonly #sign: number;
  #keys = new Float64Array(INITIAL_CAPACITY);
  #sizes = new Float64Array(INITIAL_CAPACITY);
  #count = 0;

  constructor(side: BookSide) {
    this.side = side;
    this.#sign = side === 'bid' ? 1 : -1;
  }

  get levelCount(): number {
    return this.#count;
  }

  /** NaN when the side is empty. */
  get bestPrice(): number {
    return this.#count === 0 ? Number.NaN : this.#keys[this.#count - 1]! * this.#sign;
  }

  /** 0 when the side is empty. */
  get bestSize(): number {
    return this.#count === 0 ? 0 : this.#sizes[this.#count - 1]!;
  }

  /** Price of the level `rank` places from the best (0 = best); NaN beyond the book. */
  priceAt(rank: number): number {
    return rank < this.#count ? this.#keys[this.#count - 1 - rank]! * this.#sign : Number.NaN;
  }

  sizeAt(rank: number): number {
    return rank < this.#count ? this.#sizes[this.#count - 1 - rank]! : 0;
  }

  /** The size resting at `price`, or 0. */
  sizeAtPrice(price: number): number {
    const index = this.#search(price * this.#sign);
    return index >= 0 ? this.#sizes[index]! : 0;
  }

  /** Sets the level at `price` to `size`; size 0 removes it. Callers pass validated numbers. */
  set(price: number, size: number): void {
    const key = price * this.#sign;
    const index = this.#search(key);
    if (index >= 0) {
      if (size > 0) {
        this.#sizes[index] = size;
      } else {
        this.#keys.copyWithin(index, index + 1, this.#count);
        this.#sizes.copyWithin(index, index + 1, this.#count);
        this.#count--;
      }
      return;
    }
    if (size <= 0) return;
    const insertAt = -index - 1;
    if (this.#count === this.#keys.length) this.#grow();
    this.#keys.copyWithin(insertAt + 1, insertAt, this.#count);
    this.#sizes.copyWithin(insertAt + 1, insertAt, this.#count);
    this.#keys[insertAt] = key;
    this.#sizes[insertAt] = size;
    this.#count++;
  }

  clear(): void {
    this.#count = 0;
  }

  /** Index of `key`, or -(insertion point) - 1. Starts at the top, where most changes land. */
  #search(key: number): number {
    const keys = this.#keys;
    let high = this.#count - 1;
    if (high >= 0 && keys[high]! < key) return -(high + 1) - 1;
    let low = 0;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = keys[mid]!;
      if (value < key) low = mid + 1;
      else if (value > key) high = mid - 1;
      else return mid;
    }
    return -low - 1;
  }

  #grow(): void {
    const keys = new Float64Array(this.#keys.length * 2);
    const sizes = new Float64Array(this.#sizes.length * 2);
    keys.set(this.#keys);
    sizes.set(this.#sizes);
    this.#keys = keys;
    this.#sizes = sizes;
  }
}
