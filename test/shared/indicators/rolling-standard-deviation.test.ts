import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingStandardDeviation } from '../../../shared/indicators/rolling-standard-deviation.ts';
import { expectNoDrift, randomWalk } from './indicator-fixtures.ts';
import * as reference from './reference.ts';

describe('Class: RollingStandardDeviation', () => {
  it('stays within 1e-9 of a two-pass deviation over a million inputs at a high price level', () => {
    expectNoDrift(new RollingStandardDeviation(20), 20, reference.standardDeviation, 20);
  });

  it('reads exactly 0 once a moving series turns flat for a whole window', () => {
    const deviation = new RollingStandardDeviation(10);
    for (const x of randomWalk(21, 500, 20_000)) deviation.update(x);
    for (let i = 0; i < 10; i++) deviation.update(19_999.99);
    expect(deviation.value).toBe(0);
  });

  it('is 0 for a constant series and never negative', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { maxLength: 40 }),
        (constant, noise) => {
          const deviation = new RollingStandardDeviation(4);
          for (const x of noise) expect(deviation.update(x) ?? 0).toBeGreaterThanOrEqual(0);
          for (let i = 0; i < 4; i++) deviation.update(constant);
          expect(deviation.value).toBe(0);
        },
      ),
    );
  });
});
