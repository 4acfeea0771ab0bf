/**
 * Per-symbol freshness for strategy and risk: a symbol is stale when its last update is older
 * than its threshold, when it has had no update at all, or while its feed is in a gap (from the
 * moment the feed is lost or goes stale until the symbol's own next update). Risk
 * refuses new exposure on stale symbols, so every unknown case answers stale.
 *
 * Plain typed arrays indexed per symbol: `touch` runs on every message and `isStale` on every
 * order, both without allocating.
 */

export type Freshness = 'fresh' | 'no_data' | 'too_old' | 'in_gap' | 'unknown_symbol';

export class StaleGuard {
  readonly #index = new Map<string, number>();
  #lastUpdateUs = new Float64Array(16);
  #thresholdUs = new Float64Array(16);
  #inGap = new Uint8Array(16);
  readonly #defaultThresholdUs: number;

  constructor(defaultThresholdMs: number) {
    this.#defaultThresholdUs = defaultThresholdMs * 1000;
  }

  /** Registers a symbol (idempotent); `thresholdMs` overrides the default for it. */
  track(symbol: string, thresholdMs?: number): void {
    let slot = this.#index.get(symbol);
    if (slot === undefined) {
      slot = this.#index.size;
      if (slot === this.#lastUpdateUs.length) this.#grow();
      this.#index.set(symbol, slot);
      this.#lastUpdateUs[slot] = Number.NaN;
    }
    this.#thresholdUs[slot] = thresholdMs === undefined ? this.#defaultThresholdUs : thresholdMs * 1000;
  }

  /**
   * Records an update whose data is as of `dataTimeUs` (the exchange time), received at
   * `receivedUs`. Exchange time makes a lagging feed count as old; capping it at receipt keeps a
   * clock ahead of ours from making data look fresher than it can be.
   */
  touch(symbol: string, dataTimeUs: number, receivedUs: number): void {
    const slot = this.#index.get(symbol);
    if (slot !== undefined) this.touchSlot(slot, dataTimeUs, receivedUs);
  }

  /** The symbol's slot for touchSlot, or -1 when it is not tracked. Slots never change. */
  slotOf(symbol: string): number {
    return this.#index.get(symbol) ?? -1;
  }

  /** `touch` by slot (from slotOf), for a caller that already holds the symbol's entry; -1 is a no-op. */
  touchSlot(slot: number, dataTimeUs: number, receivedUs: number): void {
    if (slot < 0) return;
    const asOf = Math.min(dataTimeUs, receivedUs);
    if (!(asOf <= this.#lastUpdateUs[slot]!)) this.#lastUpdateUs[slot] = asOf;
    this.#inGap[slot] = 0;
  }

  /** Their feed was lost or went stale: each of these symbols is stale until it updates again. */
  beginGap(symbols: Iterable<string>): void {
    for (const symbol of symbols) {
      const slot = this.#index.get(symbol);
      if (slot !== undefined) this.#inGap[slot] = 1;
    }
  }

  freshness(symbol: string, nowUs: number): Freshness {
    const slot = this.#index.get(symbol);
    if (slot === undefined) return 'unknown_symbol';
    if (this.#inGap[slot] === 1) return 'in_gap';
    const last = this.#lastUpdateUs[slot]!;
    if (Number.isNaN(last)) return 'no_data';
    return nowUs - last > this.#thresholdUs[slot]! ? 'too_old' : 'fresh';
  }

  isStale(symbol: string, nowUs: number): boolean {
    return this.freshness(symbol, nowUs) !== 'fresh';
  }

  /** Age of the last update in microseconds; NaN when there is none. */
  ageUs(symbol: string, nowUs: number): number {
    const slot = this.#index.get(symbol);
    return slot === undefined ? Number.NaN : nowUs - this.#lastUpdateUs[slot]!;
  }

  get symbols(): IterableIterator<string> {
    return this.#index.keys();
  }

  #grow(): void {
    const size = this.#lastUpdateUs.length * 2;
    const last = new Float64Array(size);
    const threshold = new Float64Array(size);
    const gap = new Uint8Array(size);
    last.set(this.#lastUpdateUs);
    threshold.set(this.#thresholdUs);
    gap.set(this.#inGap);
    this.#lastUpdateUs = last;
    this.#thresholdUs = threshold;
    this.#inGap = gap;
  }
}
