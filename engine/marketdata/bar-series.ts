/**
 * One symbol's minute bars in time order, at most one per minute. Live bars, corrected
 * ("updated") bars and bars backfilled after a reconnect all go through `accept`, so the series
 * can hold neither a duplicate nor two versions of a minute, whatever order they arrive in.
 */
import type { Bar } from '../../shared/domain/market-data.ts';
import { windowStart } from '../../shared/signals/window-start.ts';

export type BarAcceptance =
  /** Later than every bar held. */
  | 'appended'
  /** Replaced the bar held for the same minute with different values. */
  | 'corrected'
  /** Filled a missing minute before the latest bar. */
  | 'inserted'
  /** The same minute with the same values: dropped. */
  | 'duplicate';

const MINUTE_US = 60_000_000;

export function minuteStartUs(timestampUs: number): number {
  return Math.floor(timestampUs / MINUTE_US) * MINUTE_US;
}

function sameValues(a: Bar, b: Bar): boolean {
  return (
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume &&
    a.tradeCount === b.tradeCount &&
    a.vwap === b.vwap
  );
}

/** Minute bars a series keeps by default: a whole day, so a session's window never runs short. */
export const BAR_SERIES_CAPACITY = 1_440;

export class BarSeries {
  readonly symbol: string;
  readonly #capacity: number;
  readonly #bars: Bar[] = [];

  /** `capacity`: bars kept (a trading day of minute bars by default); the oldest go first. */
  constructor(symbol: string, capacity = BAR_SERIES_CAPACITY) {
    this.symbol = symbol;
    this.#capacity = capacity;
  }

  accept(bar: Bar): BarAcceptance {
    const bars = this.#bars;
    const stored: Bar = bar.kind === 'minute' ? bar : { ...bar, kind: 'minute' };
    let index = bars.length - 1;
    while (index >= 0 && bars[index]!.startUs > bar.startUs) index--;
    if (index >= 0 && bars[index]!.startUs === bar.startUs) {
      if (sameValues(bars[index]!, bar)) return 'duplicate';
      bars[index] = stored;
      return 'corrected';
    }
    bars.splice(index + 1, 0, stored);
    const appended = index + 1 === bars.length - 1;
    if (bars.length > this.#capacity) bars.shift();
    return appended ? 'appended' : 'inserted';
  }

  get latest(): Bar | undefined {
    return this.#bars[this.#bars.length - 1];
  }

  get length(): number {
    return this.#bars.length;
  }

  /** The bars held, oldest first (a copy). */
  toArray(): Bar[] {
    return [...this.#bars];
  }

  /** The window the signal function gets (see window-start.ts), oldest first (a copy). */
  signalWindow(windowBars: number): Bar[] {
    return this.#bars.slice(windowStart(this.#bars, windowBars));
  }

  /** Minute starts in [fromUs, toUs) with no bar: holes a backfill must fill. */
  missingMinutes(fromUs: number, toUs: number): number[] {
    const have = new Set(this.#bars.map((bar) => bar.startUs));
    const missing: number[] = [];
    for (let minute = minuteStartUs(fromUs); minute < toUs; minute += MINUTE_US) {
      if (!have.has(minute)) missing.push(minute);
    }
    return missing;
  }
}
