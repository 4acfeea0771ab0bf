/**
 * An exponential average seeded with the simple average of its first `period` inputs (the
 * textbook and TA-Lib seed). EMA and Wilder's smoothing are this with different weights.
 */
import { type Indicator, requirePeriod } from './indicator.ts';

export class ExponentialAverage implements Indicator<number, number> {
  readonly period: number;
  readonly #weight: number;
  #count = 0;
  /** Sum of the inputs while warming up; then the average itself. */
  #value = 0;
  #savedCount = 0;
  #savedValue = 0;

  /** `weight` is the share of each new input, in (0, 1]. */
  constructor(period: number, weight: number) {
    requirePeriod('period', period);
    if (!(weight > 0 && weight <= 1)) throw new RangeError(`weight must be in (0, 1], got ${weight}`);
    this.period = period;
    this.#weight = weight;
  }

  update(input: number, replace = false): number | null {
    if (!Number.isFinite(input)) return this.value;
    if (replace && this.#count > 0) {
      this.#count = this.#savedCount;
      this.#value = this.#savedValue;
    } else {
      this.#savedCount = this.#count;
      this.#savedValue = this.#value;
    }
    const count = ++this.#count;
    const period = this.period;
    if (count < period) {
      this.#value += input;
      return null;
    }
    if (count === period) this.#value = (this.#value + input) / period;
    else this.#value += this.#weight * (input - this.#value);
    return this.#value;
  }

  get value(): number | null {
    return this.#count >= this.period ? this.#value : null;
  }

  get isReady(): boolean {
    return this.#count >= this.period;
  }

  reset(): void {
    this.#count = 0;
    this.#value = 0;
    this.#savedCount = 0;
    this.#savedValue = 0;
  }
}
