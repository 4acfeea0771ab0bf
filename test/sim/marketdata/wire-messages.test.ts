import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimQuote, SimTrade } from '../../../sim/market/market-events.ts';
import { formatRfc3339 } from '../../../sim/marketdata/market-data-timestamps.ts';
import {
  cryptoQuoteJson,
  cryptoQuoteMessage,
  cryptoTradeJson,
  cryptoTradeMessage,
  stockQuoteJson,
  stockQuoteMessage,
  stockTradeJson,
  stockTradeMessage,
} from '../../../sim/marketdata/wire-messages.ts';

const timestampUs = fc.integer({ min: 1_600_000_000_000_000, max: 2_000_000_000_000_000 });
const nanos = fc.integer({ min: 0, max: 999 });
const price = fc.double({ min: 0.0001, max: 100_000, noNaN: true });
const code = fc.constantFrom('V', 'Q', 'N', 'P', 'Z');
const conditions = fc.array(fc.constantFrom('@', 'I', 'R', 'Z'), { maxLength: 3 });

const quote = fc.record<SimQuote>({
  symbol: fc.constantFrom('AAPL', 'BRK.B', 'BTC/USD'),
  bidPrice: price,
  bidSize: fc.integer({ min: 0, max: 10_000 }),
  askPrice: price,
  askSize: fc.double({ min: 0, max: 1_000, noNaN: true }),
  timestampUs,
  nanos,
  bidExchange: code,
  askExchange: code,
  conditions,
  tape: fc.constantFrom('A', 'B', 'C'),
});

const trade = fc.record<SimTrade>({
  symbol: fc.constantFrom('AAPL', 'ETH/USD'),
  id: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  price,
  size: fc.double({ min: 0, max: 1_000_000, noNaN: true }),
  timestampUs,
  nanos,
  takerSide: fc.constantFrom('buy', 'sell'),
  exchange: code,
  conditions,
  tape: fc.constantFrom('A', 'B', 'C'),
});

describe('Module: wire messages', () => {
  it('hand-built JSON equals JSON.stringify of the wire object, for every quote and trade', () => {
    fc.assert(
      fc.property(quote, trade, (q, t) => {
        const stamp = (us: number, ns: number): string => formatRfc3339(us, ns);
        expect(stockQuoteJson(q)).toBe(JSON.stringify(stockQuoteMessage(q, stamp(q.timestampUs, q.nanos))));
        expect(cryptoQuoteJson(q)).toBe(JSON.stringify(cryptoQuoteMessage(q, stamp(q.timestampUs, q.nanos))));
        expect(stockTradeJson(t)).toBe(JSON.stringify(stockTradeMessage(t, stamp(t.timestampUs, t.nanos))));
        expect(cryptoTradeJson(t)).toBe(JSON.stringify(cryptoTradeMessage(t, stamp(t.timestampUs, t.nanos))));
      }),
    );
  });

  it.each([
    [Date.UTC(2021, 1, 22, 15, 51, 45) * 1000 + 335_689, 322, '2021-02-22T15:51:45.335689322Z'],
    [Date.UTC(2021, 1, 22, 15, 51, 44) * 1000 + 208_000, 0, '2021-02-22T15:51:44.208Z'],
    [Date.UTC(2021, 1, 22, 19, 15, 0) * 1000, 0, '2021-02-22T19:15:00Z'],
    [Date.UTC(2021, 1, 22, 19, 15, 0) * 1000, 5, '2021-02-22T19:15:00.000000005Z'],
  ])('formats %i µs + %i ns as %s', (us, ns, text) => {
    expect(formatRfc3339(us, ns)).toBe(text);
  });

  it('round-trips any instant through RFC 3339 at nanosecond precision', () => {
    fc.assert(
      fc.property(timestampUs, nanos, (us, ns) => {
        const text = formatRfc3339(us, ns);
        const [whole, fraction = ''] = text.slice(0, -1).split('.');
        expect(Date.parse(`${whole}Z`) * 1000 + Number(fraction.padEnd(9, '0').slice(0, 6))).toBe(us);
        expect(Number(fraction.padEnd(9, '0').slice(6))).toBe(ns);
      }),
    );
  });
});
