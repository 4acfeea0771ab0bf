/**
 * The one shape every indicator in this folder has, so a feature pipeline or a strategy can hold
 * any of them uniformly.
 *
 * - `update(input)` adds an input and returns the new value, or null while warming up.
 * - `update(input, true)` replaces the latest input instead (Alpaca's "updated" bars correct the
 *   last minute): the result is what adding the corrected input in its place would have given.
 *   With no input yet it adds.
 * - A non-finite input (NaN, ±Infinity; for bars, in any field the indicator reads) is refused:
 *   state and value stay as they were and `update` returns the unchanged value. A gap in the data
 *   is therefore skipped, never averaged in, and never poisons the running sums.
 * - Multi-output indicators return the same output object from every update, mutated in place,
 *   so the per-update path allocates nothing: copy the fields to keep them past the next update.
 */
export interface Indicator<Input, Output> {
  update(input: Input, replace?: boolean): Output | null;
  /** The latest value; null until enough inputs have arrived. */
  readonly value: Output | null;
  readonly isReady: boolean;
  /** Back to the state of a new instance. */
  reset(): void;
}

/** The fields of an OHLCV bar the bar-based indicators read; shared/domain's `Bar` satisfies it. */
export interface BarInput {
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Start of the bar's interval, epoch microseconds. */
  readonly startUs: number;
}

/** Throws a RangeError naming the parameter unless `value` is a whole number ≥ 1. */
export function requirePeriod(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number ≥ 1, got ${value}`);
  }
}
