/**
 * Today's session as the broker's calendar gives it: whether there is one (a holiday or a one-off
 * closure leaves the date out), and when it opens and closes (13:00 on a half day), read the way
 * the engine's calendar reads it (shared/time/trading-calendar.ts). Pure: the caller fetches the calendar.
 */
import { newYorkToUtcMs } from '../time/new-york-time.ts';
import { brokerDay } from '../time/trading-calendar.ts';
import type { CalendarDay } from '../venue/venue-types.ts';

export interface TradingSession {
  readonly date: string;
  readonly open: string;
  readonly close: string;
  readonly openMs: number;
  readonly closeMs: number;
  readonly halfDay: boolean;
}

export function sessionOf(day: CalendarDay): TradingSession {
  const { openMinute, closeMinute, earlyClose } = brokerDay(day);
  return {
    date: day.date,
    open: day.open,
    close: day.close,
    openMs: newYorkToUtcMs(day.date, openMinute),
    closeMs: newYorkToUtcMs(day.date, closeMinute),
    halfDay: earlyClose,
  };
}

/** The session on `date`, or null when the calendar lists none (weekend, holiday, closure). */
export function sessionOn(date: string, calendar: readonly CalendarDay[]): TradingSession | null {
  const day = calendar.find((entry) => entry.date === date);
  return day === undefined ? null : sessionOf(day);
}

/** The first session after `date` in the calendar, or null when the calendar ends first. */
export function nextSessionAfter(date: string, calendar: readonly CalendarDay[]): TradingSession | null {
  const later = calendar.filter((entry) => entry.date > date).sort((a, b) => a.date.localeCompare(b.date));
  return later[0] === undefined ? null : sessionOf(later[0]);
}
