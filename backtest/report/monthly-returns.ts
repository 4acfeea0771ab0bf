/**
 * Calendar returns: each New York month's (and year's) last value over the previous one's, the
 * first against the starting value. Pure.
 */
import { sessionCloses } from './session-closes.ts';
import type { SliceRange } from './slice-range.ts';

export interface PeriodReturn {
  /** YYYY-MM for a month, YYYY for a year. */
  readonly period: string;
  /** Null when the value it is measured against is not positive. */
  readonly return: number | null;
}

export interface CalendarReturns {
  readonly months: readonly PeriodReturn[];
  readonly years: readonly PeriodReturn[];
}

export function calendarReturns(
  timeMs: Float64Array,
  values: Float64Array,
  range: SliceRange,
  startValue: number,
): CalendarReturns {
  const { dates, lastSlice } = sessionCloses(timeMs, range);
  return {
    months: periodReturns(dates, lastSlice, values, startValue, 7),
    years: periodReturns(dates, lastSlice, values, startValue, 4),
  };
}

/** `keyLength` cuts a YYYY-MM-DD date to the period it falls in. */
function periodReturns(
  dates: readonly string[],
  lastSlice: readonly number[],
  values: Float64Array,
  startValue: number,
  keyLength: number,
): PeriodReturn[] {
  const periods: string[] = [];
  const closes: number[] = [];
  dates.forEach((date, day) => {
    const period = date.slice(0, keyLength);
    if (periods.at(-1) === period) closes[closes.length - 1] = values[lastSlice[day]!]!;
    else {
      periods.push(period);
      closes.push(values[lastSlice[day]!]!);
    }
  });
  return periods.map((period, i) => {
    const previous = i === 0 ? startValue : closes[i - 1]!;
    return { period, return: previous > 0 ? closes[i]! / previous - 1 : null };
  });
}
