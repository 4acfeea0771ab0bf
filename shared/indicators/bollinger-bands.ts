/**
 * Bollinger bands: the simple average of the last `period` inputs (middle) and `multiplier`
 * population standard deviations either side of it. Ready from the period-th input. Every update
 * returns the same output object, mutated in place (see indicator.ts).
 */
import { type Indicator, requirePeriod } from './indicator.ts';
import { RollingMoments } from './rolling-moments.ts';

export interface BollingerBandsOutput {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

export class BollingerBands implements Indicator<number, BollingerBandsOutput> {
  readonly period: number;
  readonly multiplier: number;
  readonly #moments: RollingMoments;
  readonly #output = { upper: 0, middle: 0, lower: 0 };

  constructor(period: number, multiplier = 2) {
    requirePeriod('period', period);
    if (!(multiplier > 0 && Number.isFinite(multiplier)))
      throw new RangeError(`multiplier must be a positive number, got ${multiplier}`);
    this.period = period;
    this.multiplier = multiplier;
    this.#moments = new RollingMoments(period);
  }

  update(input: number, replace = false): BollingerBandsOutput | null {
    if (!Number.isFinite(input)) return this.value;
    const moments = this.#moments;
    moments.update(input, replace);
    if (!moments.isFull) return null;
    const middle = moments.mean;
    const width = this.multiplier * Math.sqrt(moments.variance);
    const output = this.#output;
    output.middle = middle;
    output.upper = middle + width;
    output.lower = middle - width;
    return output;
  }

  get value(): BollingerBandsOutput | null {
    return this.#moments.isFull ? this.#output : null;
  }

  get isReady(): boolean {
    return this.#moments.isFull;
  }

  reset(): void {
    this.#moments.reset();
  }
}
