/**
 * Alpaca's bar timeframes (`5Min`, `1Hour`, `1Day`, `1Week`, `3Month`, and the short forms
 * `5T`, `1H`, `1D`, `1W`, `3M`) and the New York-aligned bucket each minute bar falls in.
 * Minute and hour buckets count from New York midnight, days start at New York midnight, weeks
 * on Monday, months on the first.
 */
import { addDays, newYorkToUtcMs, newYorkWallTime } from '../../shared/time/new-york-time.ts';

export type TimeframeUnit = 'Min' | 'Hour' | 'Day' | 'Week' | 'Month';

export interface Timeframe {
  readonly amount: number;
  readonly unit: TimeframeUnit;
}

const PATTERN = /^([1-9]\d{0,1})(Min|T|Hour|H|Day|D|Week|W|Month|M)$/;
const UNITS: Readonly<Record<string, TimeframeUnit>> = {
  Min: 'Min',
  T: 'Min',
  Hour: 'Hour',
  H: 'Hour',
  Day: 'Day',
  D: 'Day',
  Week: 'Week',
  W: 'Week',
  Month: 'Month',
  M: 'Month',
};
const MONTH_AMOUNTS = new Set([1, 2, 3, 4, 6, 12]);

export function parseTimeframe(text: string): Timeframe | undefined {
  const match = PATTERN.exec(text);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = UNITS[match[2]!]!;
  const valid =
    (unit === 'Min' && amount <= 59) ||
    (unit === 'Hour' && amount <= 23) ||
    ((unit === 'Day' || unit === 'Week') && amount === 1) ||
    (unit === 'Month' && MONTH_AMOUNTS.has(amount));
  return valid ? { amount, unit } : undefined;
}

/** Start (epoch µs) of the bucket holding the minute bar that starts at `startUs`. */
export function bucketStartUs(timeframe: Timeframe, startUs: number): number {
  if (timeframe.unit === 'Min' && timeframe.amount === 1) return startUs;
  const wall = newYorkWallTime(startUs / 1000);
  const midnightUs = newYorkToUtcMs(wall.date, 0) * 1000;
  switch (timeframe.unit) {
    case 'Min':
    case 'Hour': {
      const size = timeframe.amount * (timeframe.unit === 'Min' ? 1 : 60);
      return newYorkToUtcMs(wall.date, Math.floor(wall.minuteOfDay / size) * size) * 1000;
    }
    case 'Day':
      return midnightUs;
    case 'Week':
      return newYorkToUtcMs(addDays(wall.date, -((wall.weekday + 6) % 7)), 0) * 1000;
    case 'Month': {
      const [year, month] = wall.date.split('-').map(Number) as [number, number];
      const first = Math.floor((month - 1) / timeframe.amount) * timeframe.amount + 1;
      return newYorkToUtcMs(`${year}-${String(first).padStart(2, '0')}-01`, 0) * 1000;
    }
  }
}
