/**
 * Average true range: Wilder's average (seeded with the simple average of the first `period`
 * true ranges) of each bar's true range, the largest of high − low and the distances from the
 * previous close to the high and to the low. The first bar has no previous close: its true range
 * is high − low, as in trading-signals. Ready from the period-th bar.
 */
import { type BarInput, type Indicator, requirePeriod } from './indicator.ts';
import { PreviousBar } from './previous-bar.ts';
import { WilderAverage } from './wilder-average.ts';

export class ATR implements Indicator<BarInput, number> {
  readonly period: number;
  readonly #average: WilderAverage;
  readonly #previous = new PreviousBar();

  constructor(period = 14) {
    requirePeriod('period', period);
    this.period = period;
    this.#average = new WilderAverage(period);
  }

  update(bar: BarInput, replace = false): number | null {
    const { high, low, close } = bar;
    if (!Number.isFinite(high) || !Number.isFinite(low) || !Number.isFinite(close)) return this.value;
    const previous = this.#previous;
    const replacing = replace && previous.hasBars;
    const trueRange = previous.advance(replacing) ? rangeFrom(high, low, previous.close) : high - low;
    previous.commit(high, low, close);
    return this.#average.update(trueRange, replacing);
  }

  get value(): number | null {
    return this.#average.value;
  }

  get isReady(): boolean {
    return this.#average.isReady;
  }

  reset(): void {
    this.#average.reset();
    this.#previous.reset();
  }
}

/** Wilder's true range of a bar after a close of `previousClose`. */
export function rangeFrom(high: number, low: number, previousClose: number): number {
  return Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose));
}
