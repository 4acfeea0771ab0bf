/**
 * The simulator's market hours. 'nyse' follows the NYSE calendar (holidays, 13:00 early closes,
 * pre-market from 04:00, after-hours until 20:00 New York time). 'always' keeps the regular
 * session open around the clock so a new user can trade at any hour; its "trading day" runs from
 * New York midnight to midnight, which is when day orders expire and the opg/cls auctions run.
 */
import { addDays, newYorkToUtcMs, newYorkWallTime } from '../../shared/time/new-york-time.ts';
import {
  AFTER_HOURS_CLOSE_MINUTE,
  nextTradingDay,
  PRE_MARKET_OPEN_MINUTE,
  type SessionPhase,
  sessionPhase,
  type TradingDay,
  tradingDay,
} from '../../shared/time/nyse-calendar.ts';

export type SessionHours = 'always' | 'nyse';

export interface CalendarDay {
  readonly date: string;
  readonly open: string;
  readonly close: string;
  readonly session_open: string;
  readonly session_close: string;
  readonly settlement_date: string;
}

const MINUTES_PER_DAY = 24 * 60;

function hhmm(minute: number, separator: string): string {
  const clamped = Math.min(minute, MINUTES_PER_DAY - 1);
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}${separator}${String(clamped % 60).padStart(2, '0')}`;
}

export class MarketSession {
  readonly hours: SessionHours;

  constructor(hours: SessionHours) {
    this.hours = hours;
  }

  phase(epochMs: number): SessionPhase {
    return this.hours === 'always' ? 'regular' : sessionPhase(epochMs);
  }

  /** Next regular-session open strictly after an instant ('always': the next New York midnight). */
  nextOpenMs(epochMs: number): number {
    if (this.hours === 'always') return this.#nextMidnightMs(epochMs);
    let date = newYorkWallTime(epochMs).date;
    for (let i = 0; i < 20; i++) {
      const day = nextTradingDay(date);
      const openMs = newYorkToUtcMs(day.date, day.openMinute);
      if (openMs > epochMs) return openMs;
      date = addDays(day.date, 1);
    }
    throw new Error('no open within 20 trading days');
  }

  /** Next regular-session close strictly after an instant ('always': the next New York midnight). */
  nextCloseMs(epochMs: number): number {
    if (this.hours === 'always') return this.#nextMidnightMs(epochMs);
    return this.#nextTradingDayTime(epochMs, (day) => day.closeMinute);
  }

  /**
   * When a day order placed now expires: the close of the session it belongs to (the extended
   * close at 20:00 when it may trade after hours). 'always': the next New York midnight.
   */
  dayOrderExpiryMs(epochMs: number, extendedHours: boolean): number {
    if (this.hours === 'always') return this.#nextMidnightMs(epochMs);
    return this.#nextTradingDayTime(epochMs, (day) =>
      extendedHours ? AFTER_HOURS_CLOSE_MINUTE : day.closeMinute,
    );
  }

  /** The next instant the phase changes, or undefined when it never does ('always'). */
  nextPhaseChangeMs(epochMs: number): number | undefined {
    if (this.hours === 'always') return undefined;
    let date = newYorkWallTime(epochMs).date;
    for (let i = 0; i < 20; i++) {
      const day = tradingDay(date);
      if (day !== null) {
        for (const minute of [
          PRE_MARKET_OPEN_MINUTE,
          day.openMinute,
          day.closeMinute,
          AFTER_HOURS_CLOSE_MINUTE,
        ]) {
          const at = newYorkToUtcMs(date, minute);
          if (at > epochMs) return at;
        }
      }
      date = addDays(date, 1);
    }
    throw new Error('no phase change within 20 days');
  }

  /** Calendar days in [start, end] (YYYY-MM-DD, inclusive), shaped as GET /v2/calendar answers. */
  calendar(start: string, end: string): CalendarDay[] {
    const days: CalendarDay[] = [];
    for (let date = start; date <= end; date = addDays(date, 1)) {
      if (this.hours === 'always') {
        days.push({
          date,
          open: '00:00',
          close: '23:59',
          session_open: '0000',
          session_close: '2359',
          settlement_date: addDays(date, 1),
        });
        continue;
      }
      const day = tradingDay(date);
      if (day === null) continue;
      days.push({
        date,
        open: hhmm(day.openMinute, ':'),
        close: hhmm(day.closeMinute, ':'),
        session_open: hhmm(PRE_MARKET_OPEN_MINUTE, ''),
        session_close: hhmm(AFTER_HOURS_CLOSE_MINUTE, ''),
        settlement_date: nextTradingDay(addDays(date, 1)).date,
      });
    }
    return days;
  }

  /** The trading day whose session (up to the given close minute) an instant falls in or before. */
  #nextTradingDayTime(epochMs: number, minuteOf: (day: TradingDay) => number): number {
    let date = newYorkWallTime(epochMs).date;
    for (let i = 0; i < 20; i++) {
      const day = nextTradingDay(date);
      const at = newYorkToUtcMs(day.date, minuteOf(day));
      if (at > epochMs) return at;
      date = addDays(day.date, 1);
    }
    throw new Error('no session within 20 trading days');
  }

  #nextMidnightMs(epochMs: number): number {
    return newYorkToUtcMs(addDays(newYorkWallTime(epochMs).date, 1), 0);
  }
}
