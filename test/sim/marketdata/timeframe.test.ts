import { describe, expect, it } from 'vitest';
import { bucketStartUs, parseTimeframe } from '../../../sim/marketdata/timeframe.ts';

const us = (iso: string): number => Date.parse(iso) * 1000;
const iso = (value: number): string => new Date(value / 1000).toISOString();

describe('Module: bar timeframes', () => {
  it.each([
    ['1Min', { amount: 1, unit: 'Min' }],
    ['59T', { amount: 59, unit: 'Min' }],
    ['4Hour', { amount: 4, unit: 'Hour' }],
    ['1D', { amount: 1, unit: 'Day' }],
    ['1Week', { amount: 1, unit: 'Week' }],
    ['3Month', { amount: 3, unit: 'Month' }],
    ['12M', { amount: 12, unit: 'Month' }],
  ])('reads %s', (text, expected) => {
    expect(parseTimeframe(text)).toStrictEqual(expected);
  });

  it.each(['0Min', '60Min', '24Hour', '2Day', '2Week', '5Month', '1min', 'Min', '1 Min', ''])(
    'refuses %j',
    (text) => {
      expect(parseTimeframe(text)).toBeUndefined();
    },
  );

  it.each([
    ['15Min', '2026-11-24T15:07:00Z', '2026-11-24T15:00:00.000Z'],
    ['4Hour', '2026-11-24T15:07:00Z', '2026-11-24T13:00:00.000Z'],
    ['1Day', '2026-11-24T03:00:00Z', '2026-11-23T05:00:00.000Z'],
    ['1Week', '2026-11-26T15:00:00Z', '2026-11-23T05:00:00.000Z'],
    ['1Month', '2026-11-24T15:00:00Z', '2026-11-01T04:00:00.000Z'],
    ['3Month', '2026-11-24T15:00:00Z', '2026-10-01T04:00:00.000Z'],
  ])('puts a %s bar at %s in the bucket starting %s (New York aligned)', (text, at, start) => {
    expect(iso(bucketStartUs(parseTimeframe(text)!, us(at)))).toBe(start);
  });
});
