/**
 * Where a bar window begins: `windowBars` back from the newest bar, and further back to the first
 * bar of the newest bar's New York day when that is earlier. Most features forget their start
 * (averages, exponential smoothing that decays), but a session-anchored one (the session VWAP)
 * sums every bar since the day began, so a window that started mid-session would give the
 * signal function a different value from the engine's.
 */
import type { Bar } from '../domain/market-data.ts';
import { newYorkDate, newYorkToUtcMs } from '../time/new-york-time.ts';

/** Index into `bars` (one symbol's closed minute bars, oldest first) of the window's first bar. */
export function windowStart(bars: readonly Pick<Bar, 'startUs'>[], windowBars: number): number {
  const latest = bars[bars.length - 1];
  if (latest === undefined) return 0;
  const dayStartUs = newYorkToUtcMs(newYorkDate(latest.startUs / 1_000), 0) * 1_000;
  let start = Math.max(0, bars.length - windowBars);
  while (start > 0 && bars[start - 1]!.startUs >= dayStartUs) start--;
  return start;
}
