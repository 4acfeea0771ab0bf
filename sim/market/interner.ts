/**
 * Maps repeated small values (exchange codes, condition lists) to indexes so that the tick
 * history can hold them in typed arrays instead of retaining millions of objects, which would
 * push them into the old generation and make garbage collection pauses grow with history size.
 */
export class Interner<T> {
  readonly #values: T[] = [];
  readonly #indexes = new Map<string, number>();
  // The generator reuses the same frozen arrays, so most look-ups hit by identity and skip the key.
  readonly #byIdentity = new Map<T, number>();
  readonly #keyOf: (value: T) => string;

  constructor(keyOf: (value: T) => string) {
    this.#keyOf = keyOf;
  }

  indexOf(value: T): number {
    const known = this.#byIdentity.get(value);
    if (known !== undefined) return known;
    const key = this.#keyOf(value);
    let index = this.#indexes.get(key);
    if (index === undefined) {
      index = this.#values.length;
      this.#values.push(value);
      this.#indexes.set(key, index);
    }
    // Bounded: only values the generator or a replay file keeps reusing are worth remembering.
    if (this.#byIdentity.size < 10_000) this.#byIdentity.set(value, index);
    return index;
  }

  valueAt(index: number): T {
    return this.#values[index]!;
  }
}
