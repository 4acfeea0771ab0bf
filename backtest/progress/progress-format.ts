/** How the progress display writes its numbers: counts, rates and simulated time (durations: shared/time/format-duration.ts). */
import { newYorkWallTime } from '../../shared/time/new-york-time.ts';

const count = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 });

/** 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return count.format(value);
}

/** Per-second rate, humanised: 1234567 → "1.2M", 950 → "950", 0.42 → "0.42". */
export function formatRate(perSecond: number): string {
  return perSecond < 1 ? small.format(perSecond) : compact.format(perSecond);
}

/** An instant as New York (Eastern) wall time, "2024-03-15 10:31 ET": where a backtest has got to. */
export function formatNewYorkTime(epochMs: number): string {
  const { date, minuteOfDay } = newYorkWallTime(epochMs);
  const hours = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const minutes = String(minuteOfDay % 60).padStart(2, '0');
  return `${date} ${hours}:${minutes} ET`;
}
