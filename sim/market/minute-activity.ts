/**
 * The generated market's activity in one minute: whether stocks trade, how busy the tape is, and
 * the New York day the minute belongs to. Computed once per minute, so the per-message path
 * reads plain fields. (The trading API's hours, phases and calendar are
 * sim/trading/session-calendar.ts.)
 */
import { addDays, newYorkToUtcMs, newYorkWallTime } from '../../shared/time/new-york-time.ts';
import {
  AFTER_HOURS_CLOSE_MINUTE,
  PRE_MARKET_OPEN_MINUTE,
  REGULAR_CLOSE_MINUTE,
  REGULAR_OPEN_MINUTE,
  sessionPhase,
} from '../../shared/time/nyse-calendar.ts';
import type { ClosedDates } from '../closed-dates.ts';
import type { SimContext } from '../context.ts';

export interface MinuteActivity {
  readonly stocksOpen: boolean;
  /** Relative trading activity of stocks (1 = an average regular-session minute). */
  readonly stockActivity: number;
  readonly dayStartUs: number;
  readonly dayEndUs: number;
}

/**
 * The U-shaped intraday volume curve of US equities: heavy at the open, a midday lull, a second
 * peak into the close; extended hours trade a fraction of that.
 */
export function stockActivityAt(minuteOfDay: number): number {
  if (minuteOfDay >= REGULAR_OPEN_MINUTE && minuteOfDay < REGULAR_CLOSE_MINUTE) {
    const sinceOpen = minuteOfDay - REGULAR_OPEN_MINUTE;
    const toClose = REGULAR_CLOSE_MINUTE - minuteOfDay;
    return 0.7 + 2.5 * Math.exp(-sinceOpen / 25) + 1.5 * Math.exp(-toClose / 20);
  }
  if (minuteOfDay >= PRE_MARKET_OPEN_MINUTE && minuteOfDay < AFTER_HOURS_CLOSE_MINUTE) return 0.2;
  return 0.1;
}

/** `closed`: one-off closures (closed-dates.ts), days on which stocks do not trade at all. */
export function minuteActivity(
  utcMs: number,
  hours: SimContext['sessionHours'],
  closed?: ClosedDates,
): MinuteActivity {
  const wall = newYorkWallTime(utcMs);
  return {
    stocksOpen: (hours === 'always' || sessionPhase(utcMs) !== 'closed') && closed?.has(wall.date) !== true,
    stockActivity: stockActivityAt(wall.minuteOfDay),
    dayStartUs: newYorkToUtcMs(wall.date, 0) * 1000,
    dayEndUs: newYorkToUtcMs(addDays(wall.date, 1), 0) * 1000,
  };
}
