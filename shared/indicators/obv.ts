/**
 * On-balance volume: a running total that adds a bar's volume when its close is above the
 * previous close and subtracts it when below. It starts at 0 on the first bar, so it is ready
 * from the first bar (trading-signals gives its first value, the same number, on the second).
 */
import type { BarInput, Indicator } from './indicator.ts';

export class OBV implements Indicator<BarInput, number> {
  #count = 0;
  #total = 0;
  #previousClose = 0;
  #savedTotal = 0;
  #savedPreviousClose = 0;

  update(bar: BarInput, replace = false): number | null {
    const { close, volume } = bar;
    if (!Number.isFinite(close) || !Number.isFinite(volume)) return this.value;
    if (replace && this.#count > 0) {
      this.#count--;
      this.#total = this.#savedTotal;
      this.#previousClose = this.#savedPreviousClose;
    } else {
      this.#savedTotal = this.#total;
      this.#savedPreviousClose = this.#previousClose;
    }
    if (this.#count++ > 0) {
      const previous = this.#previousClose;
      if (close > previous) this.#total += volume;
      else if (close < previous) this.#total -= volume;
    }
    this.#previousClose = close;
    return this.#total;
  }

  get value(): number | null {
    return this.#count > 0 ? this.#total : null;
  }

  get isReady(): boolean {
    return this.#count > 0;
  }

  reset(): void {
    this.#count = 0;
    this.#total = 0;
    this.#previousClose = 0;
    this.#savedTotal = 0;
    this.#savedPreviousClose = 0;
  }
}
