import fc from 'fast-check';
import { StochasticOscillator } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { Stochastic } from '../../../shared/indicators/stochastic.ts';
import { arbitraryBars, expectAgreesWith, randomBars } from './indicator-fixtures.ts';

describe('Class: Stochastic', () => {
  it('agrees with trading-signals on plain bars', () => {
    const bars = randomBars(34, 2_000, 0);
    for (const pick of [(o: { stochK: number }) => o.stochK, (o: { stochD: number }) => o.stochD]) {
      const ours = new Stochastic(14, 3, 3);
      const theirs = new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 });
      const compared = expectAgreesWith(
        (bar) => {
          const o = ours.update(bar);
          return o === null ? null : pick({ stochK: o.k, stochD: o.d });
        },
        (bar) => {
          const o = theirs.update(bar, false);
          return o === null ? null : pick(o);
        },
        bars,
        17,
      );
      expect(compared).toBe(1_983);
    }
  });

  it('keeps %K and %D within [0, 100]', () => {
    fc.assert(
      fc.property(arbitraryBars(60), (bars) => {
        const stochastic = new Stochastic(5, 3, 3);
        // Every fourth bar corrects the one before.
        bars.forEach((bar, i) => {
          const o = stochastic.update(bar, i % 4 === 1);
          if (o === null) return;
          for (const v of [o.k, o.d]) {
            expect(v).toBeGreaterThanOrEqual(-1e-9);
            expect(v).toBeLessThanOrEqual(100 + 1e-9);
          }
        });
      }),
    );
  });
});
