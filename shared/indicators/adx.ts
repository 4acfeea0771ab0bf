/**
 * Wilder's average directional index. From the second bar on, each bar's directional movement
 * (+DM: the rise of the high, −DM: the fall of the low, whichever is larger and positive, the
 * other 0; both 0 on a tie) and true range are Wilder-averaged over `period` bars (each seeded
 * with the simple average of its first `period` values); +DI and −DI are the averaged movements
 * over the averaged range, DX = 100 |+DI − −DI| / (+DI + −DI), and the ADX is the Wilder average of
 * DX. Ready from bar 2 × period. trading-signals starts its averages at the first bar with zero
 * movement and that bar's high − low, so it differs early on and converges to this later.
 */
import { rangeFrom } from './atr.ts';
import { type BarInput, type Indicator, requirePeriod } from './indicator.ts';
import { PreviousBar } from './previous-bar.ts';
import { WilderAverage } from './wilder-average.ts';

export class ADX implements Indicator<BarInput, number> {
  readonly period: number;
  readonly #range: WilderAverage;
  readonly #up: WilderAverage;
  readonly #down: WilderAverage;
  readonly #adx: WilderAverage;
  readonly #previous = new PreviousBar();
  #plusDI = 0;
  #minusDI = 0;

  constructor(period = 14) {
    requirePeriod('period', period);
    this.period = period;
    this.#range = new WilderAverage(period);
    this.#up = new WilderAverage(period);
    this.#down = new WilderAverage(period);
    this.#adx = new WilderAverage(period);
  }

  update(bar: BarInput, replace = false): number | null {
    const { high, low, close } = bar;
    if (!Number.isFinite(high) || !Number.isFinite(low) || !Number.isFinite(close)) return this.value;
    const previous = this.#previous;
    const replacing = replace && previous.hasBars;
    const hasPrevious = previous.advance(replacing);
    const previousHigh = previous.high;
    const previousLow = previous.low;
    const previousClose = previous.close;
    previous.commit(high, low, close);
    if (!hasPrevious) return null;
    const rise = high - previousHigh;
    const fall = previousLow - low;
    const range = this.#range.update(rangeFrom(high, low, previousClose), replacing);
    const up = this.#up.update(rise > fall && rise > 0 ? rise : 0, replacing);
    const down = this.#down.update(fall > rise && fall > 0 ? fall : 0, replacing);
    if (range === null || up === null || down === null) return null;
    this.#plusDI = range > 0 ? (100 * up) / range : 0;
    this.#minusDI = range > 0 ? (100 * down) / range : 0;
    const sum = this.#plusDI + this.#minusDI;
    const dx = sum > 0 ? (100 * Math.abs(this.#plusDI - this.#minusDI)) / sum : 0;
    return this.#adx.update(dx, replacing);
  }

  get value(): number | null {
    return this.#adx.value;
  }

  get isReady(): boolean {
    return this.#adx.isReady;
  }

  /** +DI of the latest bar, 0–100; meaningful once `period` + 1 bars have arrived. */
  get plusDI(): number {
    return this.#plusDI;
  }

  /** −DI of the latest bar, 0–100; meaningful once `period` + 1 bars have arrived. */
  get minusDI(): number {
    return this.#minusDI;
  }

  reset(): void {
    this.#range.reset();
    this.#up.reset();
    this.#down.reset();
    this.#adx.reset();
    this.#previous.reset();
    this.#plusDI = 0;
    this.#minusDI = 0;
  }
}
