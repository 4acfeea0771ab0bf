/**
 * The highest (or lowest) of the last `size` inputs, amortised O(1) per input with a monotonic
 * deque: an input that can never again be the extreme (an older one beaten by a newer) is dropped.
 * The deque keeps each candidate's value beside its sequence number, so the per-input path does
 * no modulo arithmetic. Replacing the latest input rebuilds the deque from the window, O(size);
 * corrections are rare next to new inputs (one updated bar now and then against one bar a minute).
 */
import { requirePeriod } from './indicator.ts';

export class RollingExtreme {
  readonly size: number;
  /** 1 for the highest, −1 for the lowest: inputs are kept times this and the maximum taken. */
  readonly #sign: 1 | -1;
  /** The window's signed inputs in a ring. */
  readonly #values: Float64Array;
  #latestSlot = -1;
  /** Inputs pushed since reset. */
  #count = 0;
  /** The candidates, oldest first, in a ring of `size` slots: sequence numbers and signed values. */
  readonly #sequences: Float64Array;
  readonly #candidates: Float64Array;
  #head = 0;
  #length = 0;

  constructor(size: number, kind: 'highest' | 'lowest') {
    requirePeriod('size', size);
    this.size = size;
    this.#sign = kind === 'highest' ? 1 : -1;
    this.#values = new Float64Array(size);
    this.#sequences = new Float64Array(size);
    this.#candidates = new Float64Array(size);
  }

  update(input: number, replace: boolean): void {
    if (replace) this.replaceLatest(input);
    else this.push(input);
  }

  push(input: number): void {
    const value = this.#sign * input;
    const slot = this.#latestSlot + 1 === this.size ? 0 : this.#latestSlot + 1;
    this.#latestSlot = slot;
    this.#values[slot] = value;
    this.#admit(this.#count++, value);
  }

  /** Replaces the latest input; with none yet, pushes. */
  replaceLatest(input: number): void {
    if (this.#count === 0) {
      this.push(input);
      return;
    }
    const size = this.size;
    this.#values[this.#latestSlot] = this.#sign * input;
    this.#head = 0;
    this.#length = 0;
    const length = Math.min(this.#count, size);
    let slot = this.#latestSlot + 1 - length;
    if (slot < 0) slot += size;
    for (let sequence = this.#count - length; sequence < this.#count; sequence++) {
      this.#admit(sequence, this.#values[slot]!);
      slot = slot + 1 === size ? 0 : slot + 1;
    }
  }

  get isFull(): boolean {
    return this.#count >= this.size;
  }

  /** The extreme of the window; NaN before any input. */
  get value(): number {
    return this.#length === 0 ? Number.NaN : this.#sign * this.#candidates[this.#head]!;
  }

  reset(): void {
    this.#latestSlot = -1;
    this.#count = 0;
    this.#head = 0;
    this.#length = 0;
  }

  #admit(sequence: number, value: number): void {
    const size = this.size;
    const sequences = this.#sequences;
    const candidates = this.#candidates;
    if (this.#length > 0 && sequences[this.#head]! <= sequence - size) {
      this.#head = this.#head + 1 === size ? 0 : this.#head + 1;
      this.#length--;
    }
    while (this.#length > 0) {
      let tail = this.#head + this.#length - 1;
      if (tail >= size) tail -= size;
      if (candidates[tail]! > value) break;
      this.#length--;
    }
    let slot = this.#head + this.#length;
    if (slot >= size) slot -= size;
    sequences[slot] = sequence;
    candidates[slot] = value;
    this.#length++;
  }
}
