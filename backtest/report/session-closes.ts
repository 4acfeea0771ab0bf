/**
 * The last slice of each New York date: where daily returns, month ends and the report's daily
 * points are read. Crypto trades around the clock, and its days are New York calendar days too,
 * so one rule serves every run.
 */
import { newYorkDate } from '../../shared/time/new-york-time.ts';
import type { SliceRange } from './slice-range.ts';

export interface SessionCloses {
  /** New York dates (YYYY-MM-DD) in order, one per date that has a slice in the range. */
  readonly dates: readonly string[];
  /** The index of each date's last slice. */
  readonly lastSlice: readonly number[];
}

export function sessionCloses(timeMs: Float64Array, range: SliceRange): SessionCloses {
  const dates: string[] = [];
  const lastSlice: number[] = [];
  for (let i = range.start; i < range.end; i++) {
    const date = newYorkDate(timeMs[i]!);
    if (dates.at(-1) === date) lastSlice[lastSlice.length - 1] = i;
    else {
      dates.push(date);
      lastSlice.push(i);
    }
  }
  return { dates, lastSlice };
}
