/**
 * How many standard deviations the latest input lies from the mean of the last `period` inputs,
 * itself included (population deviation, as pandas' rolling z-score with ddof=0). A flat window
 * has no spread: its z-score is 0, since the latest input then equals the mean. Ready from the
 * period-th input.
 */
import type { Indicator } from './indicator.ts';
import { RollingStandardDeviation } from './rolling-standard-deviation.ts';

export class ZScore implements Indicator<number, number> {
  readonly period: number;
  readonly #deviation: RollingStandardDeviation;
  #latest = 0;

  constructor(period: number) {
    this.#deviation = new RollingStandardDeviation(period);
    this.period = period;
  }

  update(input: number, replace = false): number | null {
    if (!Number.isFinite(input)) return this.value;
    this.#deviation.update(input, replace);
    this.#latest = input;
    return this.value;
  }

  get value(): number | null {
    const deviation = this.#deviation.value;
    if (deviation === null) return null;
    return deviation > 0 ? (this.#latest - this.#deviation.mean) / deviation : 0;
  }

  get isReady(): boolean {
    return this.#deviation.isReady;
  }

  reset(): void {
    this.#deviation.reset();
    this.#latest = 0;
  }
}
