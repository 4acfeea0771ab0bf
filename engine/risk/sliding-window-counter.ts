/**
 * Counts events in a sliding time window with a ring of the last `capacity` timestamps, so asking
 * "would one more exceed the limit?" is one comparison and recording allocates nothing.
 */
export class SlidingWindowCounter {
  readonly #times: Float64Array;
  readonly #windowMs: number;
  #next = 0;
  #count = 0;

  constructor(capacity: number, windowMs: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#times = new Float64Array(capacity);
    this.#windowMs = windowMs;
  }

  /** True when `capacity` events already fall within the window ending at nowMs. */
  isFull(nowMs: number): boolean {
    if (this.#count < this.#times.length) return false;
    // The ring is full, so #next points at the oldest of the last `capacity` events.
    return this.#times[this.#next]! > nowMs - this.#windowMs;
  }

  record(nowMs: number): void {
    this.#times[this.#next] = nowMs;
    this.#next = (this.#next + 1) % this.#times.length;
    if (this.#count < this.#times.length) this.#count++;
  }

  clear(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
