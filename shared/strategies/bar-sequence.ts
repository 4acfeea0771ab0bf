/**
 * How a strategy on minute bars takes each bar: a new minute adds an input to its indicators; an
 * "updated" bar (a late trade corrected the last minute) replaces the last input, so averages
 * match the tape; a correction of an older minute is too late to matter, and a minute already
 * seen (replayed after a backfill or a restart) is skipped; daily bars are not minute bars.
 */
import type { Bar } from '../domain/market-data.ts';

export type BarStep = 'add' | 'replace' | 'skip';

export function barStep(bar: Bar, lastBarStartUs: number): BarStep {
  if (bar.kind === 'daily') return 'skip';
  if (bar.kind === 'updated') return bar.startUs === lastBarStartUs ? 'replace' : 'skip';
  return bar.startUs > lastBarStartUs ? 'add' : 'skip';
}
