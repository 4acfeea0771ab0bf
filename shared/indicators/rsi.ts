/**
 * Wilder's relative strength index over `period` price changes: the Wilder averages (seeded with
 * the simple average of the first `period` changes, see wilder-average.ts) of gains and of
 * losses, as 100 − 100 / (1 + gain / loss). Ready from input period + 1. With no losses the RSI
 * is 100; with neither gains nor losses (a flat window) it is 50, where trading-signals says 100.
 */
import { type Indicator, requirePeriod } from './indicator.ts';
import { WilderAverage } from './wilder-average.ts';

export class RSI implements Indicator<number, number> {
  readonly period: number;
  readonly #gains: WilderAverage;
  readonly #losses: WilderAverage;
  #count = 0;
  #previous = 0;
  #savedPrevious = 0;
  #value = 0;

  constructor(period = 14) {
    requirePeriod('period', period);
    this.period = period;
    this.#gains = new WilderAverage(period);
    this.#losses = new WilderAverage(period);
  }

  update(input: number, replace = false): number | null {
    if (!Number.isFinite(input)) return this.value;
    const replacing = replace && this.#count > 0;
    if (replacing) {
      this.#count--;
      this.#previous = this.#savedPrevious;
    } else {
      this.#savedPrevious = this.#previous;
    }
    const before = this.#previous;
    this.#previous = input;
    if (this.#count++ === 0) return null;
    const change = input - before;
    const gain = this.#gains.update(Math.max(change, 0), replacing);
    const loss = this.#losses.update(Math.max(-change, 0), replacing);
    if (gain === null || loss === null) return null;
    this.#value = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
    return this.#value;
  }

  get value(): number | null {
    return this.#gains.isReady ? this.#value : null;
  }

  get isReady(): boolean {
    return this.#gains.isReady;
  }

  reset(): void {
    this.#gains.reset();
    this.#losses.reset();
    this.#count = 0;
    this.#previous = 0;
    this.#savedPrevious = 0;
    this.#value = 0;
  }
}
