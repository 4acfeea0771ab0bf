/**
 * The last `size` inputs in a ring buffer with their running sum. A running sum drifts from the
 * true sum of its window as rounding errors pile up over millions of updates, so the sum is
 * recomputed from the window once every `size` inputs: O(1) amortised, and the error never
 * builds on more than one window's worth of additions.
 */
import { requirePeriod } from './indicator.ts';

export class RollingSum {
  readonly size: number;
  readonly #values: Float64Array;
  /** Inputs in the window (≤ size). */
  #length = 0;
  /** Slot of the latest input. */
  #latest = -1;
  #sum = 0;
  #untilRecompute: number;

  constructor(size: number) {
    requirePeriod('size', size);
    this.size = size;
    this.#values = new Float64Array(size);
    this.#untilRecompute = size;
  }

  push(input: number): void {
    const size = this.size;
    const slot = this.#latest + 1 === size ? 0 : this.#latest + 1;
    this.#latest = slot;
    if (this.#length === size) this.#sum -= this.#values[slot]!;
    else this.#length++;
    this.#values[slot] = input;
    if (--this.#untilRecompute === 0) this.#recompute();
    else this.#sum += input;
  }

  update(input: number, replace: boolean): void {
    if (replace) this.replaceLatest(input);
    else this.push(input);
  }

  /** Replaces the latest input; with none yet, pushes. */
  replaceLatest(input: number): void {
    if (this.#length === 0) {
      this.push(input);
      return;
    }
    const slot = this.#latest;
    this.#sum += input - this.#values[slot]!;
    this.#values[slot] = input;
  }

  get sum(): number {
    return this.#sum;
  }

  get length(): number {
    return this.#length;
  }

  get isFull(): boolean {
    return this.#length === this.size;
  }

  get latest(): number {
    return this.#values[this.#latest]!;
  }

  /** The i-th input of the window, oldest first. */
  at(index: number): number {
    const size = this.size;
    const start = this.#length === size ? this.#latest + 1 : 0;
    const slot = start + index;
    return this.#values[slot >= size ? slot - size : slot]!;
  }

  reset(): void {
    this.#length = 0;
    this.#latest = -1;
    this.#sum = 0;
    this.#untilRecompute = this.size;
  }

  #recompute(): void {
    let sum = 0;
    for (let i = 0; i < this.#length; i++) sum += this.at(i);
    this.#sum = sum;
    this.#untilRecompute = this.size;
  }
}
