/**
 * A run's time slices cut into the stretches a report measures: the whole run, or its in-sample
 * and out-of-sample parts under `--split`.
 */
import type { EquityCurve, TradeRecord } from '../backtest-result.ts';

/** Slice indices [start, end) of an equity curve. */
export interface SliceRange {
  readonly start: number;
  readonly end: number;
}

export interface SplitRanges {
  /** First out-of-sample slice: floor(slices × split). */
  readonly index: number;
  /** Null when a side would have no slice (a split of 0 or 1, or too few slices). */
  readonly inSample: SliceRange | null;
  readonly outOfSample: SliceRange | null;
}

export function wholeRange(curve: EquityCurve): SliceRange {
  return { start: 0, end: curve.timeMs.length };
}

export function splitRanges(slices: number, split: number): SplitRanges {
  if (!(split >= 0 && split <= 1)) throw new RangeError(`split must be within [0, 1], got ${split}`);
  const index = Math.floor(slices * split);
  return {
    index,
    inSample: index > 0 ? { start: 0, end: index } : null,
    outOfSample: index < slices ? { start: index, end: slices } : null,
  };
}

/**
 * The value a range's first return is measured against: the starting cash for a range that
 * opens the run, else the value at the slice before the range (where the previous stretch ended).
 */
export function baseValue(values: Float64Array, range: SliceRange, startingCash: number): number {
  return range.start === 0 ? startingCash : values[range.start - 1]!;
}

/**
 * The executions whose effect first shows in one of the range's slices: a slice's equity includes
 * every execution at or before its instant, so an execution belongs to the first slice at or
 * after it. Executions before the first slice or after the last belong to the range that touches
 * that end of the run.
 */
export function tradesInRange(
  trades: readonly TradeRecord[],
  timeMs: Float64Array,
  range: SliceRange,
): TradeRecord[] {
  const after = range.start === 0 ? Number.NEGATIVE_INFINITY : timeMs[range.start - 1]!;
  const upTo = range.end === timeMs.length ? Number.POSITIVE_INFINITY : timeMs[range.end - 1]!;
  return trades.filter((trade) => trade.timeMs > after && trade.timeMs <= upTo);
}
