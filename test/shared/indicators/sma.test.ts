import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SMA } from '../../../shared/indicators/sma.ts';
import { expectNoDrift } from './indicator-fixtures.ts';
import * as reference from './reference.ts';

describe('Class: SMA', () => {
  it('refuses Infinity as a gap', () => {
    const sma = new SMA(2);
    sma.update(10);
    sma.update(20);
    expect(sma.update(Number.POSITIVE_INFINITY)).toBe(15);
    expect(sma.update(Number.NEGATIVE_INFINITY, true)).toBe(15);
    expect(sma.update(30)).toBe(25);
  });

  it('stays within 1e-9 of a fresh sum over a million inputs at a high price level', () => {
    expectNoDrift(new SMA(50), 50, reference.sma, 3);
  });

  it('averages a constant series to that constant', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (value, period) => {
          const sma = new SMA(period);
          for (let i = 0; i < period * 3; i++) sma.update(value);
          expect(Math.abs(sma.value! - value)).toBeLessThanOrEqual(Math.abs(value) * 1e-12);
        },
      ),
    );
  });

  it('refuses a period that is not a whole number ≥ 1', () => {
    expect(() => new SMA(0)).toThrow('period must be a whole number ≥ 1, got 0');
    expect(() => new SMA(2.5)).toThrow(RangeError);
  });
});
