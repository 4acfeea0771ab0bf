import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZScore } from '../../../shared/indicators/z-score.ts';

describe('Class: ZScore', () => {
  it('is 0 on a flat window', () => {
    const z = new ZScore(3);
    for (const x of [7, 7, 7]) z.update(x);
    expect(z.value).toBe(0);
  });

  it('stays within ±√(period − 1), the most one input can stand out of its own window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -1_000_000, max: 1_000_000 }).map((cents) => cents / 100),
          { minLength: 6, maxLength: 50 },
        ),
        (xs) => {
          const z = new ZScore(6);
          for (const x of xs) z.update(x);
          expect(Math.abs(z.value!)).toBeLessThanOrEqual(Math.sqrt(5) + 1e-9);
        },
      ),
    );
  });
});
