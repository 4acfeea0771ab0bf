/** Broker calendars for tests: what GET /v2/calendar would list by the NYSE rules, less some closures. */
import { tradingDaysBetween } from '../../../shared/time/nyse-calendar.ts';
import {
  type BrokerCalendar,
  type BrokerCalendarDay,
  TradingCalendar,
} from '../../../shared/time/trading-calendar.ts';

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** The rules' trading days in [start, end] as the broker lists them, without the closures. */
export function brokerDays(
  start: string,
  end: string,
  closures: readonly string[] = [],
): BrokerCalendarDay[] {
  return tradingDaysBetween(start, end)
    .filter((day) => !closures.includes(day.date))
    .map((day) => ({ date: day.date, open: hhmm(day.openMinute), close: hhmm(day.closeMinute) }));
}

/** A calendar loaded with the broker's days for [start, end] (the rules' days unless given). */
export function loadedCalendar(
  calendar: Partial<BrokerCalendar> & Pick<BrokerCalendar, 'start' | 'end'>,
): TradingCalendar {
  const trading = new TradingCalendar();
  trading.load({ days: brokerDays(calendar.start, calendar.end), ...calendar });
  return trading;
}

/** A calendar whose broker data for [start, end] closes the given trading days. */
export function calendarClosing(start: string, end: string, closures: readonly string[]): TradingCalendar {
  return loadedCalendar({ start, end, days: brokerDays(start, end, closures) });
}
