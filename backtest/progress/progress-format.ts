/** How the progress display writes its numbers: counts, rates, durations and simulated time. */
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

/** 4200 → "4.2s", 42000 → "42s", 200000 → "3m 20s", 3900000 → "1h 05m". */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** An instant as New York (Eastern) wall time, "2024-03-15 10:31 ET": where a backtest has got to. */
export function formatNewYorkTime(epochMs: number): string {
  const { date, minuteOfDay } = newYorkWallTime(epochMs);
  const hours = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const minutes = String(minuteOfDay % 60).padStart(2, '0');
  return `${date} ${hours}:${minutes} ET`;
}
