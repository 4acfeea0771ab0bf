/** Simple moving average of the last `period` inputs; ready from the period-th input. */
import { type Indicator, requirePeriod } from './indicator.ts';
import { RollingSum } from './rolling-sum.ts';

export class SMA implements Indicator<number, number> {
  readonly period: number;
  readonly #window: RollingSum;
  readonly #inverse: number;

  constructor(period: number) {
    requirePeriod('period', period);
    this.period = period;
    this.#window = new RollingSum(period);
    this.#inverse = 1 / period;
  }

  update(input: number, replace = false): number | null {
    if (!Number.isFinite(input)) return this.value;
    this.#window.update(input, replace);
    return this.value;
  }

  get value(): number | null {
    const window = this.#window;
    return window.isFull ? window.sum * this.#inverse : null;
  }

  get isReady(): boolean {
    return this.#window.isFull;
  }

  reset(): void {
    this.#window.reset();
  }
}
