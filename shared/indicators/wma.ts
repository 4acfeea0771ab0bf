/**
 * Linearly weighted moving average of the last `period` inputs (newest weight `period`, oldest
 * 1); ready from the period-th input. O(1) per update: when the window slides, every weight drops
 * by one, so the weighted sum loses the plain sum and gains `period` times the new input. Both
 * sums are recomputed from the window once every `period` inputs to stop rounding drift.
 */
import { type Indicator, requirePeriod } from './indicator.ts';
import { RollingSum } from './rolling-sum.ts';

export class WMA implements Indicator<number, number> {
  readonly period: number;
  readonly #window: RollingSum;
  readonly #divisor: number;
  #weighted = 0;
  #untilRecompute: number;

  constructor(period: number) {
    requirePeriod('period', period);
    this.period = period;
    this.#window = new RollingSum(period);
    this.#divisor = (period * (period + 1)) / 2;
    this.#untilRecompute = period;
  }

  update(input: number, replace = false): number | null {
    if (!Number.isFinite(input)) return this.value;
    const window = this.#window;
    if (replace && window.length > 0) {
      this.#weighted += window.length * (input - window.latest);
      window.replaceLatest(input);
    } else {
      // The sum before the push: the weights of everything already in the window drop by one.
      if (window.isFull) this.#weighted -= window.sum;
      window.push(input);
      this.#weighted += window.length * input;
      if (--this.#untilRecompute === 0) this.#recompute();
    }
    return this.value;
  }

  get value(): number | null {
    return this.#window.isFull ? this.#weighted / this.#divisor : null;
  }

  get isReady(): boolean {
    return this.#window.isFull;
  }

  reset(): void {
    this.#window.reset();
    this.#weighted = 0;
    this.#untilRecompute = this.period;
  }

  #recompute(): void {
    const window = this.#window;
    let weighted = 0;
    for (let i = 0; i < window.length; i++) weighted += (i + 1) * window.at(i);
    this.#weighted = weighted;
    this.#untilRecompute = this.period;
  }
}
