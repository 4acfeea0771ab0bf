/**
 * The NYSE trading calendar by rule: full holidays, the 13:00 early closes, and session phases.
 * Production defers to the broker's /v2/calendar (one-off closures such as national days of
 * mourning are not rules); this is the simulator's calendar and the offline fallback.
 */
import { addDays, newYorkToUtcMs, newYorkWallTime, parseIsoDate, weekdayOf } from './new-york-time.ts';

export const PRE_MARKET_OPEN_MINUTE = 4 * 60;
export const REGULAR_OPEN_MINUTE = 9 * 60 + 30;
export const REGULAR_CLOSE_MINUTE = 16 * 60;
export const EARLY_CLOSE_MINUTE = 13 * 60;
export const AFTER_HOURS_CLOSE_MINUTE = 20 * 60;

export interface TradingDay {
  readonly date: string;
  /** Regular session open and close, minutes after New York midnight. */
  readonly openMinute: number;
  readonly closeMinute: number;
  readonly earlyClose: boolean;
}

export type SessionPhase = 'closed' | 'pre_market' | 'regular' | 'after_hours';

function isoDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** The nth (1-based) given weekday of a month; n = -1 for the last. */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return isoDate(year, month, 1 + ((weekday - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
  return isoDate(year, month, lastDay - ((last - weekday + 7) % 7));
}

/** Easter Sunday (Gregorian computus). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/** A fixed-date holiday moves to Friday when on Saturday and to Monday when on Sunday. */
function observed(date: string): string {
  const weekday = weekdayOf(date);
  if (weekday === 6) return addDays(date, -1);
  if (weekday === 0) return addDays(date, 1);
  return date;
}

const holidayCache = new Map<number, ReadonlySet<string>>();

export function nyseHolidays(year: number): ReadonlySet<string> {
  const cached = holidayCache.get(year);
  if (cached !== undefined) return cached;
  const days = new Set<string>();
  // NYSE does not observe New Year's Day on the previous Friday when Jan 1 is a Saturday.
  const newYear = isoDate(year, 1, 1);
  if (weekdayOf(newYear) !== 6) days.add(observed(newYear));
  days.add(nthWeekday(year, 1, 1, 3));
  days.add(nthWeekday(year, 2, 1, 3));
  days.add(addDays(easterSunday(year), -2));
  days.add(nthWeekday(year, 5, 1, -1));
  if (year >= 2022) days.add(observed(isoDate(year, 6, 19)));
  days.add(observed(isoDate(year, 7, 4)));
  days.add(nthWeekday(year, 9, 1, 1));
  days.add(nthWeekday(year, 11, 4, 4));
  days.add(observed(isoDate(year, 12, 25)));
  holidayCache.set(year, days);
  return days;
}

function isEarlyClose(date: string): boolean {
  const { year, month, day } = parseIsoDate(date);
  if (date === addDays(nthWeekday(year, 11, 4, 4), 1)) return true;
  if (month === 12 && day === 24) return true;
  // July 3 closes early when it is a trading day ahead of a weekday Independence Day.
  return (
    month === 7 && day === 3 && weekdayOf(isoDate(year, 7, 4)) !== 6 && weekdayOf(isoDate(year, 7, 4)) !== 0
  );
}

/** The trading day on a date, or null when the exchange is closed all day. */
export function tradingDay(date: string): TradingDay | null {
  const weekday = weekdayOf(date);
  if (weekday === 0 || weekday === 6) return null;
  if (nyseHolidays(parseIsoDate(date).year).has(date)) return null;
  const earlyClose = isEarlyClose(date);
  return {
    date,
    openMinute: REGULAR_OPEN_MINUTE,
    closeMinute: earlyClose ? EARLY_CLOSE_MINUTE : REGULAR_CLOSE_MINUTE,
    earlyClose,
  };
}

export function isTradingDay(date: string): boolean {
  return tradingDay(date) !== null;
}

export function sessionPhase(utcMs: number): SessionPhase {
  const { date, minuteOfDay } = newYorkWallTime(utcMs);
  const day = tradingDay(date);
  if (day === null) return 'closed';
  if (minuteOfDay < PRE_MARKET_OPEN_MINUTE) return 'closed';
  if (minuteOfDay < day.openMinute) return 'pre_market';
  if (minuteOfDay < day.closeMinute) return 'regular';
  if (minuteOfDay < AFTER_HOURS_CLOSE_MINUTE) return 'after_hours';
  return 'closed';
}

/** The first trading day on or after a date. */
export function nextTradingDay(date: string): TradingDay {
  for (let offset = 0; offset < 15; offset++) {
    const day = tradingDay(addDays(date, offset));
    if (day !== null) return day;
  }
  throw new Error(`no trading day within 15 days of ${date}`);
}

/** The last trading day strictly before a date. */
export function previousTradingDay(date: string): TradingDay {
  for (let offset = 1; offset < 15; offset++) {
    const day = tradingDay(addDays(date, -offset));
    if (day !== null) return day;
  }
  throw new Error(`no trading day within 15 days before ${date}`);
}

/** Trading days in [from, to], inclusive. */
export function tradingDaysBetween(from: string, to: string): TradingDay[] {
  const days: TradingDay[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const day = tradingDay(date);
    if (day !== null) days.push(day);
  }
  return days;
}

export function regularSessionUtc(day: TradingDay): { openMs: number; closeMs: number } {
  return {
    openMs: newYorkToUtcMs(day.date, day.openMinute),
    closeMs: newYorkToUtcMs(day.date, day.closeMinute),
  };
}

/**
 * The trading day an instant belongs to for daily resets (P&L, loss limits, day-trade counts):
 * the session that is open or next to open. The boundary is New York midnight of a trading day,
 * so a Saturday instant belongs to Monday's session.
 */
export function sessionDateOf(utcMs: number): string {
  return nextTradingDay(newYorkWallTime(utcMs).date).date;
}
