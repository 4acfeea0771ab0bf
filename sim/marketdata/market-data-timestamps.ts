/**
 * Timestamps as Alpaca's market-data wire carries them: RFC 3339 with up to nine fractional digits
 * in JSON (trailing zeros trimmed), the MessagePack timestamp extension (−1) in msgpack mode. The
 * simulator's instants are epoch µs plus nanoseconds within the µs. The trading API writes its
 * times differently (always nine digits; the clock in New York time): sim/trading/trading-timestamps.ts.
 */
import { EXT_TIMESTAMP, ExtensionCodec, encodeTimeSpecToTimestamp } from '@msgpack/msgpack';

/** An instant for the msgpack encoder; the extension codec below turns it into ext −1. */
export class MsgpackTimestamp {
  readonly sec: number;
  readonly nsec: number;

  constructor(timestampUs: number, nanos: number) {
    this.sec = Math.floor(timestampUs / 1e6);
    this.nsec = (timestampUs - this.sec * 1e6) * 1000 + nanos;
  }
}

export const wireExtensionCodec = new ExtensionCodec();
wireExtensionCodec.register({
  type: EXT_TIMESTAMP,
  encode: (value: unknown) => (value instanceof MsgpackTimestamp ? encodeTimeSpecToTimestamp(value) : null),
  decode: () => {
    throw new Error('the simulator never decodes timestamps from clients');
  },
});

// Formatting a date is slow (~1 µs); consecutive messages share their second, so cache it.
let cachedSecond = Number.NaN;
let cachedPrefix = '';

/** `2021-02-22T15:51:45.335689322Z` from epoch µs and the nanoseconds within the µs. */
export function formatRfc3339(timestampUs: number, nanos: number): string {
  const second = Math.floor(timestampUs / 1e6);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const fraction = (timestampUs - second * 1e6) * 1000 + nanos;
  if (fraction === 0) return `${cachedPrefix}Z`;
  let digits = String(fraction).padStart(9, '0');
  let end = 9;
  while (digits.charCodeAt(end - 1) === 48) end--;
  if (end < 9) digits = digits.slice(0, end);
  return `${cachedPrefix}.${digits}Z`;
}
