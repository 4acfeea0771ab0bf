/**
 * Wall-clock time in America/New_York, where US equity sessions and the trading day live.
 * Intl does the daylight-saving rules; the offset is cached per UTC hour because formatting is
 * slow (microseconds) and offsets only change on the hour.
 */

export const NEW_YORK_TIME_ZONE = 'America/New_York';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: NEW_YORK_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const offsetCache = new Map<number, number>();

/** New York's offset from UTC in ms at an instant (−4 h or −5 h). */
export function newYorkOffsetMs(utcMs: number): number {
  const hour = Math.floor(utcMs / MS_PER_HOUR);
  const cached = offsetCache.get(hour);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(hour * MS_PER_HOUR)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  const offset = asUtc - hour * MS_PER_HOUR;
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(hour, offset);
  return offset;
}

export interface NewYorkWallTime {
  /** Calendar date in New York, YYYY-MM-DD. */
  readonly date: string;
  /** Minutes since New York midnight. */
  readonly minuteOfDay: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
}

export function newYorkWallTime(utcMs: number): NewYorkWallTime {
  const local = utcMs + newYorkOffsetMs(utcMs);
  const dayStart = Math.floor(local / MS_PER_DAY) * MS_PER_DAY;
  const date = new Date(dayStart);
  return {
    date: date.toISOString().slice(0, 10),
    minuteOfDay: Math.floor((local - dayStart) / MS_PER_MINUTE),
    weekday: date.getUTCDay(),
  };
}

export function newYorkDate(utcMs: number): string {
  return newYorkWallTime(utcMs).date;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(date: string): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(date);
  if (match === null) throw new RangeError(`expected a date as YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** The UTC instant of a New York wall-clock time on a date. */
export function newYorkToUtcMs(date: string, minuteOfDay: number): number {
  const { year, month, day } = parseIsoDate(date);
  const naive = Date.UTC(year, month - 1, day) + minuteOfDay * MS_PER_MINUTE;
  // Two passes settle the offset even when the guess lands on the other side of a DST switch.
  let utc = naive - newYorkOffsetMs(naive);
  utc = naive - newYorkOffsetMs(utc);
  return utc;
}

/** Adds calendar days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const { year, month, day } = parseIsoDate(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): number {
  const { year, month, day } = parseIsoDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}
