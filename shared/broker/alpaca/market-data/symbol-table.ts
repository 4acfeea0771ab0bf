/**
 * Turns a symbol's bytes in a frame into a string without allocating one per message: the same
 * few hundred symbols arrive millions of times a day. Returning the same string instance also
 * lets every Map keyed by symbol downstream reuse the string's cached hash.
 */

/** Bounds memory if a feed sends endless distinct symbols; refilling is cheap. */
const MAX_ENTRIES = 8192;
const decoder = new TextDecoder('utf-8');
const RECENT = 256;

export class SymbolTable {
  readonly #byHash = new Map<number, string>();
  /** A direct-mapped cache in front of the map (no hash-table probe for a symbol seen last time). */
  readonly #recent: string[] = new Array<string>(RECENT).fill('');

  intern(bytes: Uint8Array, start: number, end: number): string {
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + bytes[i]!) | 0;
    const slot = hash & (RECENT - 1);
    const recent = this.#recent[slot]!;
    if (recent.length === end - start) {
      let same = true;
      for (let i = 0; i < recent.length; i++) {
        if (recent.charCodeAt(i) !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return recent;
    }
    const cached = this.#byHash.get(hash);
    if (cached !== undefined && cached.length === end - start) {
      let same = true;
      for (let i = 0; i < cached.length; i++) {
        if (cached.charCodeAt(i) !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.#recent[slot] = cached;
        return cached;
      }
    }
    const symbol = decoder.decode(bytes.subarray(start, end));
    if (this.#byHash.size >= MAX_ENTRIES) this.#byHash.clear();
    this.#byHash.set(hash, symbol);
    this.#recent[slot] = symbol;
    return symbol;
  }
}
