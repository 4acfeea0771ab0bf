/**
 * Population standard deviation of the last `period` inputs (the divisor is `period`, not
 * `period − 1`, matching Bollinger bands); ready from the period-th input.
 */
import { type Indicator, requirePeriod } from './indicator.ts';
import { RollingMoments } from './rolling-moments.ts';

export class RollingStandardDeviation implements Indicator<number, number> {
  readonly period: number;
  readonly #moments: RollingMoments;

  constructor(period: number) {
    requirePeriod('period', period);
    this.period = period;
    this.#moments = new RollingMoments(period);
  }

  update(input: number, replace = false): number | null {
    if (!Number.isFinite(input)) return this.value;
    this.#moments.update(input, replace);
    return this.value;
  }

  get value(): number | null {
    return this.#moments.isFull ? Math.sqrt(this.#moments.variance) : null;
  }

  /** The mean of the window, which the deviation is taken from; meaningful once ready. */
  get mean(): number {
    return this.#moments.mean;
  }

  get isReady(): boolean {
    return this.#moments.isFull;
  }

  reset(): void {
    this.#moments.reset();
  }
}
