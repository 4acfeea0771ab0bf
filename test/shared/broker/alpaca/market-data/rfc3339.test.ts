import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatRfc3339Us,
  parseRfc3339BytesUs,
  parseRfc3339Us,
} from '../../../../../shared/broker/alpaca/market-data/rfc3339.ts';

describe('Function: parseRfc3339Us', () => {
  it.each([
    ['2021-02-22T15:51:45.335689322Z', Date.UTC(2021, 1, 22, 15, 51, 45) * 1000 + 335_689],
    ['2021-02-22T15:51:44.208Z', Date.UTC(2021, 1, 22, 15, 51, 44, 208) * 1000],
    ['2021-02-22T19:15:00Z', Date.UTC(2021, 1, 22, 19, 15) * 1000],
    ['2024-02-29T00:00:00.000001Z', Date.UTC(2024, 1, 29) * 1000 + 1],
    ['2021-02-22T10:15:00-05:00', Date.UTC(2021, 1, 22, 15, 15) * 1000],
    ['2021-02-22T16:15:00.5+01:00', Date.UTC(2021, 1, 22, 15, 15) * 1000 + 500_000],
    ['1969-12-31T23:59:59.999999Z', -1],
  ])('reads %s to the microsecond', (text, expected) => {
    expect(parseRfc3339Us(text)).toBe(expected);
  });

  it.each([
    '',
    '2021-02-22',
    '2021-02-22T15:51:45',
    '2021-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2021-02-22T24:00:00Z',
    '2021-02-22 15:51:45Z',
    '2021-02-22T15:51:45.Z',
    '2021-02-22T15:51:45.1234567890Z',
    '2021-02-22T15:51:45ZX',
    '2021-02-22T15:51:45+0500',
    '2O21-02-22T15:51:45Z',
    '２021-02-22T15:51:45Z',
  ])('rejects %j with NaN', (text) => {
    expect(parseRfc3339Us(text)).toBeNaN();
  });

  it('reads a range inside a larger string without looking outside it', () => {
    const frame = Buffer.from('{"t":"2021-02-22T19:15:00Z"}');
    expect(parseRfc3339BytesUs(frame, 6, 26)).toBe(Date.UTC(2021, 1, 22, 19, 15) * 1000);
    expect(parseRfc3339BytesUs(frame, 6, 25)).toBeNaN();
    expect(parseRfc3339BytesUs(Buffer.from('2021-02-22T19:15:00+01:00'), 0, 24)).toBeNaN();
  });

  it('agrees with Date for every millisecond instant and round-trips the formatter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2_000_000_000_000, max: 8_000_000_000_000 }),
        fc.integer({ min: 0, max: 999 }),
        (ms, micros) => {
          expect(parseRfc3339Us(new Date(ms).toISOString())).toBe(ms * 1000);
          const us = ms * 1000 + micros;
          expect(parseRfc3339Us(formatRfc3339Us(us))).toBe(us);
        },
      ),
    );
  });
});
