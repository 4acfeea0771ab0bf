/**
 * The simulator's session calendar: which New York dates trade, each day's regular and extended
 * hours, the session phase of an instant, the next open and close, when a day order expires, and
 * GET /v2/calendar's answer (the per-minute tape activity is sim/market/minute-activity.ts).
 *
 * 'nyse' follows the NYSE calendar (holidays, 13:00 early closes, pre-market from 04:00,
 * after-hours until 20:00 New York time). 'always' keeps the regular session open around the
 * clock so a new user can trade at any hour; its "trading day" runs from New York midnight to
 * midnight, which is when day orders expire and the opg/cls auctions run. In both, a closed date
 * (closed-dates.ts) is no trading day: no session at all that New York day, and the next open,
 * close and settlement skip it.
 */
import { addDays, newYorkToUtcMs, newYorkWallTime } from '../../shared/time/new-york-time.ts';
import {
  AFTER_HOURS_CLOSE_MINUTE,
  PRE_MARKET_OPEN_MINUTE,
  type SessionPhase,
  type TradingDay,
  tradingDay,
} from '../../shared/time/nyse-calendar.ts';
import { ClosedDates } from '../closed-dates.ts';

export type SessionHours = 'always' | 'nyse';

export interface WireCalendarDay {
  readonly date: string;
  readonly open: string;
  readonly close: string;
  readonly session_open: string;
  readonly session_close: string;
  readonly settlement_date: string;
}

const MINUTES_PER_DAY = 24 * 60;
/** How far ahead a session is looked for: closures may close many dates in a row. */
const SEARCH_DAYS = 370;

function hhmm(minute: number, separator: string): string {
  const clamped = Math.min(minute, MINUTES_PER_DAY - 1);
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}${separator}${String(clamped % 60).padStart(2, '0')}`;
}

interface CachedInstant {
  readonly fromMs: number;
  readonly atMs: number;
  /** The closed dates' version it was computed under. */
  readonly version: number;
}

export class SessionCalendar {
  readonly hours: SessionHours;
  readonly #closed: ClosedDates;
  /** Extended hours around the regular session: 04:00–20:00 ('nyse'), the whole day ('always'). */
  readonly #sessionOpenMinute: number;
  readonly #sessionCloseMinute: number;
  /** The last day-order expiry computed, per kind, and the instants it holds for. */
  #regularExpiry: CachedInstant | undefined;
  #extendedExpiry: CachedInstant | undefined;

  constructor(hours: SessionHours, closed: ClosedDates = new ClosedDates()) {
    this.hours = hours;
    this.#closed = closed;
    this.#sessionOpenMinute = hours === 'always' ? 0 : PRE_MARKET_OPEN_MINUTE;
    this.#sessionCloseMinute = hours === 'always' ? MINUTES_PER_DAY : AFTER_HOURS_CLOSE_MINUTE;
  }

  /** The session on a New York date, or null when the exchange does not open that day. */
  day(date: string): TradingDay | null {
    if (this.#closed.has(date)) return null;
    if (this.hours === 'always')
      return { date, openMinute: 0, closeMinute: MINUTES_PER_DAY, earlyClose: false };
    return tradingDay(date);
  }

  isTradingDay(date: string): boolean {
    return this.day(date) !== null;
  }

  /** Hears of every change to the closed dates (session boundaries may have moved). */
  onChange(listener: () => void): () => void {
    return this.#closed.onChange(listener);
  }

  phase(epochMs: number): SessionPhase {
    const { date, minuteOfDay } = newYorkWallTime(epochMs);
    const day = this.day(date);
    if (day === null || minuteOfDay < this.#sessionOpenMinute) return 'closed';
    if (minuteOfDay < day.openMinute) return 'pre_market';
    if (minuteOfDay < day.closeMinute) return 'regular';
    return minuteOfDay < this.#sessionCloseMinute ? 'after_hours' : 'closed';
  }

  /** Next regular-session open strictly after an instant ('always': a New York midnight). */
  nextOpenMs(epochMs: number): number {
    return this.#nextSessionTime(epochMs, (day) => day.openMinute);
  }

  /** Next regular-session close strictly after an instant ('always': a New York midnight). */
  nextCloseMs(epochMs: number): number {
    return this.#nextSessionTime(epochMs, (day) => day.closeMinute);
  }

  /**
   * When a day order placed now expires: the close of the session it belongs to (the extended
   * close at 20:00 when it may trade after hours). 'always': the end of its New York day.
   */
  dayOrderExpiryMs(epochMs: number, extendedHours: boolean): number {
    // The first of a fixed, increasing series of instants after `epochMs`: the same for every
    // instant from the one it was computed for up to itself, while the closed dates stand.
    const cached = extendedHours ? this.#extendedExpiry : this.#regularExpiry;
    if (
      cached !== undefined &&
      cached.version === this.#closed.version &&
      epochMs >= cached.fromMs &&
      epochMs < cached.atMs
    ) {
      return cached.atMs;
    }
    const atMs = this.#nextSessionTime(epochMs, (day) =>
      extendedHours ? this.#sessionCloseMinute : day.closeMinute,
    );
    const computed = { fromMs: epochMs, atMs, version: this.#closed.version };
    if (extendedHours) this.#extendedExpiry = computed;
    else this.#regularExpiry = computed;
    return atMs;
  }

  /** The next instant the phase changes, or undefined when it never will. */
  nextPhaseChangeMs(epochMs: number): number | undefined {
    const candidates =
      this.hours === 'always'
        ? // Open around the clock: only the midnights around a closed date change anything.
          this.#closed
            .list()
            .flatMap((date) => [date, addDays(date, 1)].map((edge) => newYorkToUtcMs(edge, 0)))
        : this.#nyseBoundaries(epochMs);
    for (const at of candidates) {
      if (at > epochMs && this.phase(at) !== this.phase(at - 1)) return at;
    }
    return undefined;
  }

  /** Calendar days in [start, end] (YYYY-MM-DD, inclusive), shaped as GET /v2/calendar answers. */
  calendar(start: string, end: string): WireCalendarDay[] {
    const days: WireCalendarDay[] = [];
    for (let date = start; date <= end; date = addDays(date, 1)) {
      const day = this.day(date);
      if (day === null) continue;
      days.push({
        date,
        open: hhmm(day.openMinute, ':'),
        close: hhmm(day.closeMinute, ':'),
        session_open: hhmm(this.#sessionOpenMinute, ''),
        session_close: hhmm(this.#sessionCloseMinute, ''),
        settlement_date: this.#nextDay(addDays(date, 1)).date,
      });
    }
    return days;
  }

  /** The first trading day on or after a date. */
  #nextDay(date: string): TradingDay {
    for (let offset = 0; offset < SEARCH_DAYS; offset++) {
      const day = this.day(addDays(date, offset));
      if (day !== null) return day;
    }
    throw new Error(`no trading day within ${SEARCH_DAYS} days of ${date}`);
  }

  /** The first session time (a minute of its trading day) strictly after an instant. */
  #nextSessionTime(epochMs: number, minuteOf: (day: TradingDay) => number): number {
    let date = newYorkWallTime(epochMs).date;
    for (let i = 0; i < SEARCH_DAYS; i++) {
      const day = this.#nextDay(date);
      const at = newYorkToUtcMs(day.date, minuteOf(day));
      if (at > epochMs) return at;
      date = addDays(day.date, 1);
    }
    throw new Error(`no session within ${SEARCH_DAYS} days`);
  }

  /** The session boundaries of the trading days from an instant's date on, in time order. */
  *#nyseBoundaries(epochMs: number): Generator<number> {
    let date = newYorkWallTime(epochMs).date;
    for (let i = 0; i < SEARCH_DAYS; i++) {
      const day = this.day(date);
      if (day !== null) {
        for (const minute of [
          this.#sessionOpenMinute,
          day.openMinute,
          day.closeMinute,
          this.#sessionCloseMinute,
        ]) {
          yield newYorkToUtcMs(date, minute);
        }
      }
      date = addDays(date, 1);
    }
  }
}
