/**
 * MACD: the fast EMA minus the slow EMA (the MACD line), an EMA of that line (signal), and their
 * difference (histogram). Each EMA is seeded with its own simple average (see ema.ts), so the
 * line is ready from the slowPeriod-th input and the whole output from input
 * slowPeriod + signalPeriod − 1. Every update returns the same output object, mutated in place.
 */
import { EMA } from './ema.ts';
import { type Indicator, requirePeriod } from './indicator.ts';

export interface MacdOutput {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

export class MACD implements Indicator<number, MacdOutput> {
  readonly #fast: EMA;
  readonly #slow: EMA;
  readonly #signal: EMA;
  readonly #output = { macd: 0, signal: 0, histogram: 0 };

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9) {
    requirePeriod('fastPeriod', fastPeriod);
    requirePeriod('slowPeriod', slowPeriod);
    requirePeriod('signalPeriod', signalPeriod);
    if (fastPeriod >= slowPeriod)
      throw new RangeError(`fastPeriod (${fastPeriod}) must be shorter than slowPeriod (${slowPeriod})`);
    this.#fast = new EMA(fastPeriod);
    this.#slow = new EMA(slowPeriod);
    this.#signal = new EMA(signalPeriod);
  }

  update(input: number, replace = false): MacdOutput | null {
    if (!Number.isFinite(input)) return this.value;
    const fast = this.#fast.update(input, replace);
    const slow = this.#slow.update(input, replace);
    if (slow === null) return null;
    // The line's readiness depends only on the input count, which a replace keeps, so the signal
    // is replaced exactly when the replaced input had fed it.
    const line = fast! - slow;
    const signal = this.#signal.update(line, replace);
    if (signal === null) return null;
    const output = this.#output;
    output.macd = line;
    output.signal = signal;
    output.histogram = line - signal;
    return output;
  }

  get value(): MacdOutput | null {
    return this.#signal.isReady ? this.#output : null;
  }

  get isReady(): boolean {
    return this.#signal.isReady;
  }

  reset(): void {
    this.#fast.reset();
    this.#slow.reset();
    this.#signal.reset();
  }
}
