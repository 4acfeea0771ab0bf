/**
 * The trading calendar as the broker states it: which dates are trading days, when each regular
 * session opens and closes, which session an instant belongs to and whether the regular market is
 * open. Built from Alpaca's GET /v2/calendar (trading days only, open and close as New York wall
 * time) and GET /v2/clock (https://docs.alpaca.markets/reference/getcalendar-1,
 * https://docs.alpaca.markets/reference/getclock-1). The broker knows one-off closures (a national
 * day of mourning) that no rule does; dates outside the loaded range, and everything before a
 * first load, fall back to the built-in NYSE rules of nyse-calendar.ts.
 *
 * Pure domain code, no I/O: an adapter fetches and calls load(). The answers risk asks on every
 * check are cached per interval in which they cannot change, so a repeat costs two comparisons.
 */
import { addDays, newYorkDate, newYorkToUtcMs, parseIsoDate } from './new-york-time.ts';
import { REGULAR_CLOSE_MINUTE, tradingDay as ruleTradingDay, type TradingDay } from './nyse-calendar.ts';

/** One day of GET /v2/calendar: a trading day and its regular session, HH:MM New York time. */
export interface BrokerCalendarDay {
  readonly date: string;
  readonly open: string;
  readonly close: string;
}

/** GET /v2/clock at one instant: whether the regular market is open, and until when that holds. */
export interface BrokerClockReading {
  readonly timestampMs: number;
  readonly isOpen: boolean;
  readonly nextOpenMs: number;
  readonly nextCloseMs: number;
}

export interface BrokerCalendar {
  /** The dates asked for, inclusive: a date in this range that `days` lacks is a closed day. */
  readonly start: string;
  readonly end: string;
  readonly days: readonly BrokerCalendarDay[];
  readonly clock?: BrokerClockReading;
}

/** Why the broker says the regular market is closed: no session on this date, or not in its hours. */
export type BrokerClosure = 'closed_day' | 'outside_hours';

/** The broker's data contradicts itself or the format; nothing of it was taken. */
export class InvalidCalendarError extends Error {
  override readonly name = 'InvalidCalendarError';
}

const MINUTES_PER_DAY = 24 * 60;
const MS_PER_DAY = 86_400_000;
/** Longer without a session is not a calendar but a fault (the longest NYSE closure since 1933 is 4 days). */
const MAX_DAYS_WITHOUT_SESSION = 14;
/** The same for how far ahead the clock's next open or close may lie. */
const MAX_CLOCK_SPELL_DAYS = 14;
/**
 * How far the trading-day search looks: the longest run without a session that data passing the
 * checks can make (a gap, a closed spell of the clock over the next trading days, another gap), so
 * the search always ends on a day.
 */
const SEARCH_DAYS = 2 * MAX_DAYS_WITHOUT_SESSION + MAX_CLOCK_SPELL_DAYS + 3;
const HH_MM = /^(\d{2}):(\d{2})$/;

function minuteOf(text: string, what: string): number {
  const match = HH_MM.exec(text);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (match === null || hours > 23 || minutes > 59)
    throw new InvalidCalendarError(`${what} must be HH:MM New York time, got ${JSON.stringify(text)}`);
  return hours * 60 + minutes;
}

function checkedDate(date: string, what: string): string {
  try {
    const { year, month, day } = parseIsoDate(date);
    if (new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) === date) return date;
  } catch {
    // Reported below with the field's name.
  }
  throw new InvalidCalendarError(`${what} must be a date as YYYY-MM-DD, got ${JSON.stringify(date)}`);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / MS_PER_DAY);
}

/** One day of the broker's calendar as a trading day; InvalidCalendarError when its times are not HH:MM. */
export function brokerDay({ date, open, close }: BrokerCalendarDay): TradingDay {
  const openMinute = minuteOf(open, `open of ${date}`);
  // HH:MM cannot say 24:00: a session closing at 23:59 runs to midnight (the simulator's
  // around-the-clock hours answer so), or the market would shut for one minute a day.
  const closeMinute = close === '23:59' ? MINUTES_PER_DAY : minuteOf(close, `close of ${date}`);
  if (closeMinute <= openMinute)
    throw new InvalidCalendarError(`${date} closes (${close}) before it opens (${open})`);
  return { date, openMinute, closeMinute, earlyClose: closeMinute < REGULAR_CLOSE_MINUTE };
}

function tradingDaysOf(calendar: BrokerCalendar): Map<string, TradingDay> {
  const start = checkedDate(calendar.start, 'start');
  const end = checkedDate(calendar.end, 'end');
  if (end < start) throw new InvalidCalendarError(`the range ends (${end}) before it starts (${start})`);
  const days = new Map<string, TradingDay>();
  let previous = addDays(start, -1);
  for (const wire of calendar.days) {
    const date = checkedDate(wire.date, 'date');
    if (date <= previous && days.size > 0)
      throw new InvalidCalendarError(`dates must ascend without repeats: ${date} after ${previous}`);
    if (date < start || date > end)
      throw new InvalidCalendarError(`${date} is outside the range asked for, ${start} to ${end}`);
    checkGap(previous, date);
    days.set(date, brokerDay(wire));
    previous = date;
  }
  checkGap(previous, addDays(end, 1));
  return days;
}

function checkGap(before: string, after: string): void {
  if (daysBetween(before, after) - 1 > MAX_DAYS_WITHOUT_SESSION)
    throw new InvalidCalendarError(
      `no trading day between ${before} and ${after}: more than ${MAX_DAYS_WITHOUT_SESSION} days without a session`,
    );
}

function checkedClock(clock: BrokerClockReading): BrokerClockReading {
  const { timestampMs, nextOpenMs, nextCloseMs } = clock;
  if (![timestampMs, nextOpenMs, nextCloseMs].every(Number.isFinite))
    throw new InvalidCalendarError('the clock has an invalid timestamp');
  const untilMs = clock.isOpen ? nextCloseMs : nextOpenMs;
  if (untilMs <= timestampMs || untilMs - timestampMs > MAX_CLOCK_SPELL_DAYS * MS_PER_DAY)
    throw new InvalidCalendarError(
      `the clock says the market is ${clock.isOpen ? 'open until' : 'closed until'} ${new Date(untilMs).toISOString()}, not within ${MAX_CLOCK_SPELL_DAYS} days after its timestamp ${new Date(timestampMs).toISOString()}`,
    );
  return clock;
}

export class TradingCalendar {
  #start = '';
  #end = '';
  #days = new Map<string, TradingDay>();
  #clock: BrokerClockReading | null = null;
  /** Dates whose whole regular session the clock says stays closed (a closure the calendar lacks). */
  #closedByClock = new Set<string>();
  #revision = 0;
  /** The regular market's state holds for [#marketFromMs, #marketUntilMs). */
  #marketFromMs = Number.POSITIVE_INFINITY;
  #marketUntilMs = Number.NEGATIVE_INFINITY;
  #marketOpen = false;
  #marketClosure: BrokerClosure | null = null;

  /** Takes the broker's calendar and clock in place of what it had; throws InvalidCalendarError and keeps the old on bad data. */
  load(calendar: BrokerCalendar): void {
    const days = tradingDaysOf(calendar);
    const clock = calendar.clock === undefined ? null : checkedClock(calendar.clock);
    this.#start = calendar.start;
    this.#end = calendar.end;
    this.#days = days;
    this.#clock = null;
    this.#closedByClock = new Set();
    if (clock !== null) this.#closedByClock = this.#datesClosedBy(clock);
    this.#clock = clock;
    this.#revision += 1;
    this.#marketFromMs = Number.POSITIVE_INFINITY;
    this.#marketUntilMs = Number.NEGATIVE_INFINITY;
  }

  /** Changes with every load, so a caller that caches an answer knows to ask again. */
  get revision(): number {
    return this.#revision;
  }

  /** True when the broker's calendar covers the instant's New York date; false while the rules answer. */
  brokerCovers(nowMs: number): boolean {
    return this.#covers(newYorkDate(nowMs));
  }

  /** The trading day on a date with its regular hours, or null when the market is closed all day. */
  tradingDay(date: string): TradingDay | null {
    if (this.#closedByClock.has(date)) return null;
    return this.#covers(date) ? (this.#days.get(date) ?? null) : ruleTradingDay(date);
  }

  isTradingDay(date: string): boolean {
    return this.tradingDay(date) !== null;
  }

  /** The first trading day on or after a date. */
  nextTradingDay(date: string): string {
    for (let offset = 0; offset < SEARCH_DAYS; offset++) {
      const candidate = addDays(date, offset);
      if (this.isTradingDay(candidate)) return candidate;
    }
    throw new Error(`no trading day within ${SEARCH_DAYS} days from ${date}`);
  }

  /** The last trading day strictly before a date. */
  previousTradingDay(date: string): string {
    for (let offset = 1; offset <= SEARCH_DAYS; offset++) {
      const candidate = addDays(date, -offset);
      if (this.isTradingDay(candidate)) return candidate;
    }
    throw new Error(`no trading day within ${SEARCH_DAYS} days before ${date}`);
  }

  /**
   * The session an instant belongs to for daily resets (P&L, loss limits, day-trade counts), as
   * nyse-calendar's sessionDateOf: the trading day that is open or next to open. Its session runs
   * from the New York midnight after the previous trading day, so a Saturday, a holiday or a
   * closure belongs to the next trading day.
   */
  sessionDateOf(nowMs: number): string {
    return this.nextTradingDay(newYorkDate(nowMs));
  }

  /** When a session ends and the next begins: New York midnight after its date. */
  sessionEndMs(sessionDate: string): number {
    return newYorkToUtcMs(addDays(sessionDate, 1), 0);
  }

  /** Whether the regular session is open at an instant, by the broker's clock and calendar, else the rules. */
  isRegularOpen(nowMs: number): boolean {
    if (nowMs < this.#marketFromMs || nowMs >= this.#marketUntilMs) this.#settleMarket(nowMs);
    return this.#marketOpen;
  }

  /**
   * Null unless the broker itself (its clock, or its calendar for this date) says the regular
   * market is closed at the instant; the rules alone never close it here.
   */
  closedByBroker(nowMs: number): BrokerClosure | null {
    if (nowMs < this.#marketFromMs || nowMs >= this.#marketUntilMs) this.#settleMarket(nowMs);
    return this.#marketClosure;
  }

  #covers(date: string): boolean {
    return date >= this.#start && date <= this.#end;
  }

  /** The regular market at an instant and the interval around it in which that cannot change. */
  #settleMarket(nowMs: number): void {
    const date = newYorkDate(nowMs);
    let fromMs = newYorkToUtcMs(date, 0);
    let untilMs = newYorkToUtcMs(addDays(date, 1), 0);
    let open = false;
    const day = this.tradingDay(date);
    if (day !== null) {
      const openMs = newYorkToUtcMs(date, day.openMinute);
      const closeMs = newYorkToUtcMs(date, day.closeMinute);
      if (nowMs < openMs) untilMs = openMs;
      else if (nowMs < closeMs) {
        open = true;
        fromMs = openMs;
        untilMs = closeMs;
      } else fromMs = closeMs;
    }
    let byBroker = this.#covers(date) || this.#closedByClock.has(date);
    const clock = this.#clock;
    if (clock !== null) {
      // Within its reading the clock wins over the calendar: the broker may close (or open) at
      // short notice, and the clock is its latest word.
      const clockUntilMs = clock.isOpen ? clock.nextCloseMs : clock.nextOpenMs;
      if (nowMs < clock.timestampMs) untilMs = Math.min(untilMs, clock.timestampMs);
      else if (nowMs >= clockUntilMs) fromMs = Math.max(fromMs, clockUntilMs);
      else {
        open = clock.isOpen;
        byBroker = true;
        fromMs = Math.max(fromMs, clock.timestampMs);
        untilMs = Math.min(untilMs, clockUntilMs);
      }
    }
    this.#marketOpen = open;
    this.#marketClosure = open || !byBroker ? null : day === null ? 'closed_day' : 'outside_hours';
    this.#marketFromMs = fromMs;
    this.#marketUntilMs = untilMs;
  }

  /** Trading days (by calendar or rules) whose whole regular session falls in the clock's closed spell. */
  #datesClosedBy(clock: BrokerClockReading): Set<string> {
    const closed = new Set<string>();
    if (clock.isOpen) return closed;
    const last = newYorkDate(clock.nextOpenMs);
    for (let date = newYorkDate(clock.timestampMs); date <= last; date = addDays(date, 1)) {
      const day = this.tradingDay(date);
      if (day === null) continue;
      const opensInSpell = newYorkToUtcMs(date, day.openMinute) >= clock.timestampMs;
      if (opensInSpell && newYorkToUtcMs(date, day.closeMinute) <= clock.nextOpenMs) closed.add(date);
    }
    return closed;
  }
}
