/**
 * Timestamps as Alpaca's trading API writes and reads them: RFC 3339 in UTC with nanoseconds on
 * orders and trade updates, New York offset on the clock, and the time query parameters. The
 * simulator keeps microseconds, so the last three digits are 0. Market data trims its fractions
 * and also speaks msgpack: sim/marketdata/market-data-timestamps.ts.
 */
import { newYorkOffsetMs } from '../../shared/time/new-york-time.ts';

export function rfc3339Nanos(epochUs: number): string {
  const ms = Math.floor(epochUs / 1000);
  const micros = epochUs - ms * 1000;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}000Z`;
}

/** "2025-06-24T14:15:22.123-04:00", as GET /v2/clock answers. */
export function rfc3339NewYork(epochMs: number): string {
  const offsetMs = newYorkOffsetMs(epochMs);
  const local = new Date(epochMs + offsetMs).toISOString().slice(0, 23);
  const offsetMinutes = Math.abs(offsetMs) / 60_000;
  const sign = offsetMs < 0 ? '-' : '+';
  const hours = String(Math.floor(offsetMinutes / 60)).padStart(2, '0');
  const minutes = String(offsetMinutes % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses a time query parameter (after, until, start, end) to epoch microseconds: RFC 3339 with
 * any offset and up to nine fractional digits, or a bare date meaning its UTC midnight.
 * Returns undefined when the text is neither.
 */
export function parseTimeParameter(text: string): number | undefined {
  if (DATE_ONLY.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : ms * 1000;
  }
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, date, hour, minute, second, fraction = '', zone] = match;
  const wholeMs = Date.parse(`${date}T${hour}:${minute}:${second}${zone!.toUpperCase()}`);
  if (Number.isNaN(wholeMs)) return undefined;
  return wholeMs * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}
