/**
 * The stochastic oscillator: %K is where the close sits in the range of the last `kPeriod` bars
 * (100 at the highest high, 0 at the lowest low), smoothed by a simple average over `kSmoothing`
 * bars (1: the "fast" stochastic, 3: the usual "slow" one); %D is the simple average of %K over
 * `dPeriod` bars. A range of zero (every high and low equal) gives a neutral 50, where
 * trading-signals says 0. Ready from bar kPeriod + kSmoothing + dPeriod − 2. Every update returns
 * the same output object, mutated in place.
 */
import { type BarInput, type Indicator, requirePeriod } from './indicator.ts';
import { RollingExtreme } from './rolling-extreme.ts';
import { SMA } from './sma.ts';

export interface StochasticOutput {
  readonly k: number;
  readonly d: number;
}

export class Stochastic implements Indicator<BarInput, StochasticOutput> {
  readonly #highest: RollingExtreme;
  readonly #lowest: RollingExtreme;
  readonly #k: SMA;
  readonly #d: SMA;
  readonly #output = { k: 0, d: 0 };

  constructor(kPeriod = 14, kSmoothing = 3, dPeriod = 3) {
    requirePeriod('kPeriod', kPeriod);
    requirePeriod('kSmoothing', kSmoothing);
    requirePeriod('dPeriod', dPeriod);
    this.#highest = new RollingExtreme(kPeriod, 'highest');
    this.#lowest = new RollingExtreme(kPeriod, 'lowest');
    this.#k = new SMA(kSmoothing);
    this.#d = new SMA(dPeriod);
  }

  update(bar: BarInput, replace = false): StochasticOutput | null {
    const { high, low, close } = bar;
    if (!Number.isFinite(high) || !Number.isFinite(low) || !Number.isFinite(close)) return this.value;
    this.#highest.update(high, replace);
    this.#lowest.update(low, replace);
    if (!this.#highest.isFull) return null;
    const lowest = this.#lowest.value;
    const range = this.#highest.value - lowest;
    const k = this.#k.update(range > 0 ? (100 * (close - lowest)) / range : 50, replace);
    if (k === null) return null;
    const d = this.#d.update(k, replace);
    if (d === null) return null;
    this.#output.k = k;
    this.#output.d = d;
    return this.#output;
  }

  get value(): StochasticOutput | null {
    return this.#d.isReady ? this.#output : null;
  }

  get isReady(): boolean {
    return this.#d.isReady;
  }

  reset(): void {
    this.#highest.reset();
    this.#lowest.reset();
    this.#k.reset();
    this.#d.reset();
  }
}
