/**
 * The signal ids handled most recently, in bounded memory: at capacity the oldest is forgotten.
 * SQS delivers at least once, so the same signal can arrive twice; this is what drops the repeat.
 */
export class RecentSignalIds {
  readonly #capacity: number;
  readonly #ids = new Set<string>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** A Set iterates in insertion order, so its first entry is the oldest. */
  remember(id: string): void {
    if (this.#ids.has(id)) return;
    if (this.#ids.size >= this.#capacity) this.#ids.delete(this.#ids.values().next().value!);
    this.#ids.add(id);
  }

  get size(): number {
    return this.#ids.size;
  }
}
