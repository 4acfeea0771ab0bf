/**
 * The highest (or lowest) of the last `size` inputs, amortised O(1) per input with a monotonic
 * deque: an input that can never again be the extreme (an older one beaten by a newer) is dropped.
 * Replacing the latest input rebuilds the deque from the window, O(size); corrections are rare
 * next to new inputs (one updated bar now and then against one bar a minute).
 */
import { requirePeriod } from './indicator.ts';

export class RollingExtreme {
  readonly size: number;
  /** 1 for the highest, −1 for the lowest: inputs are stored times this and the maximum kept. */
  readonly #sign: 1 | -1;
  /** Signed inputs by sequence number modulo size. */
  readonly #values: Float64Array;
  /** Sequence numbers of the candidates, oldest first, in a ring of `size` slots. */
  readonly #deque: Float64Array;
  #head = 0;
  #length = 0;
  /** Inputs pushed since reset. */
  #count = 0;

  constructor(size: number, kind: 'highest' | 'lowest') {
    requirePeriod('size', size);
    this.size = size;
    this.#sign = kind === 'highest' ? 1 : -1;
    this.#values = new Float64Array(size);
    this.#deque = new Float64Array(size);
  }

  push(input: number): void {
    const sequence = this.#count++;
    this.#values[sequence % this.size] = this.#sign * input;
    this.#admit(sequence);
  }

  update(input: number, replace: boolean): void {
    if (replace) this.replaceLatest(input);
    else this.push(input);
  }

  /** Replaces the latest input; with none yet, pushes. */
  replaceLatest(input: number): void {
    if (this.#count === 0) {
      this.push(input);
      return;
    }
    const size = this.size;
    this.#values[(this.#count - 1) % size] = this.#sign * input;
    this.#head = 0;
    this.#length = 0;
    for (let sequence = Math.max(0, this.#count - size); sequence < this.#count; sequence++) {
      this.#admit(sequence);
    }
  }

  get isFull(): boolean {
    return this.#count >= this.size;
  }

  /** The extreme of the window; NaN before any input. */
  get value(): number {
    if (this.#length === 0) return Number.NaN;
    return this.#sign * this.#values[this.#deque[this.#head]! % this.size]!;
  }

  reset(): void {
    this.#head = 0;
    this.#length = 0;
    this.#count = 0;
  }

  #admit(sequence: number): void {
    const size = this.size;
    const deque = this.#deque;
    const values = this.#values;
    if (this.#length > 0 && deque[this.#head]! <= sequence - size) {
      this.#head = this.#head + 1 === size ? 0 : this.#head + 1;
      this.#length--;
    }
    const value = values[sequence % size]!;
    while (this.#length > 0) {
      let tail = this.#head + this.#length - 1;
      if (tail >= size) tail -= size;
      if (values[deque[tail]! % size]! > value) break;
      this.#length--;
    }
    let slot = this.#head + this.#length;
    if (slot >= size) slot -= size;
    deque[slot] = sequence;
    this.#length++;
  }
}
