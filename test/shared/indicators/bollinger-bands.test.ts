import fc from 'fast-check';
import { BollingerBands as TradingSignalsBollinger } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { BollingerBands, type BollingerBandsOutput } from '../../../shared/indicators/bollinger-bands.ts';
import { SMA } from '../../../shared/indicators/sma.ts';
import { expectAgreesWith, expectMatchesReference, priceSteps, randomWalk } from './indicator-fixtures.ts';
import * as reference from './reference.ts';

const fields = (o: BollingerBandsOutput): readonly number[] => [o.upper, o.middle, o.lower];

describe('Class: BollingerBands', () => {
  it.each([
    [20, 2],
    [3, 1.5],
  ])('matches the textbook bands (%i, %f) through warm-up, corrections and gaps', (period, multiplier) => {
    const stream = priceSteps(25);
    expectMatchesReference(
      new BollingerBands(period, multiplier),
      stream,
      (h) => reference.bollinger(h, period, multiplier),
      fields,
    );
  });

  it('agrees with trading-signals on a plain series (both use the population deviation)', () => {
    const prices = randomWalk(26, 2_000);
    for (const pick of [(o: BollingerBandsOutput) => o.upper, (o: BollingerBandsOutput) => o.lower]) {
      const ours = new BollingerBands(20, 2);
      const theirs = new TradingSignalsBollinger(20, 2);
      const compared = expectAgreesWith(
        (x: number) => {
          const o = ours.update(x);
          return o === null ? null : pick(o);
        },
        (x) => {
          const o = theirs.update(x, false);
          return o === null ? null : pick(o);
        },
        prices,
        19,
      );
      expect(compared).toBe(1_981);
    }
  });

  it('has the SMA as its middle band, and lower ≤ middle ≤ upper', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (xs) => {
          const bands = new BollingerBands(5);
          const sma = new SMA(5);
          for (const x of xs) {
            const o = bands.update(x);
            const average = sma.update(x);
            if (o === null) {
              expect(average).toBeNull();
              continue;
            }
            expect(Math.abs(o.middle - average!)).toBeLessThanOrEqual(1e-9 * Math.max(1, average!));
            expect(o.lower).toBeLessThanOrEqual(o.middle);
            expect(o.middle).toBeLessThanOrEqual(o.upper);
          }
        },
      ),
    );
  });

  it('returns one output object, updated in place', () => {
    const bands = new BollingerBands(2);
    const a = bands.update(1);
    const b = bands.update(2);
    const c = bands.update(3);
    expect(a).toBeNull();
    expect(b).toBe(c);
    expect(c).toStrictEqual({ upper: 3.5, middle: 2.5, lower: 1.5 });
  });
});
