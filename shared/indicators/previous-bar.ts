/**
 * The bar before the latest one, for indicators that compare each bar with its predecessor (true
 * range, directional movement). A replaced latest bar keeps the same predecessor, so the one
 * before is saved on every new bar and restored on a replace.
 */
export class PreviousBar {
  high = 0;
  low = 0;
  close = 0;
  #count = 0;
  #savedHigh = 0;
  #savedLow = 0;
  #savedClose = 0;

  /**
   * Makes (high, low, close) the latest bar, or the latest bar's replacement when `replace`, and
   * leaves its predecessor in `high`, `low`, `close`. Returns false when it has none (the first bar).
   * Call `commit` with the same bar once the predecessor has been read.
   */
  advance(replace: boolean): boolean {
    if (replace && this.#count > 0) {
      this.#count--;
      this.high = this.#savedHigh;
      this.low = this.#savedLow;
      this.close = this.#savedClose;
    } else {
      this.#savedHigh = this.high;
      this.#savedLow = this.low;
      this.#savedClose = this.close;
    }
    return this.#count++ > 0;
  }

  commit(high: number, low: number, close: number): void {
    this.high = high;
    this.low = low;
    this.close = close;
  }

  /** Whether a replace now would replace a bar (false before the first). */
  get hasBars(): boolean {
    return this.#count > 0;
  }

  reset(): void {
    this.#count = 0;
  }
}
