import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WMA } from '../../../shared/indicators/wma.ts';
import { expectNoDrift } from './indicator-fixtures.ts';
import * as reference from './reference.ts';

describe('Class: WMA', () => {
  it('stays within 1e-9 of a fresh weighted sum over a million inputs at a high price level', () => {
    expectNoDrift(new WMA(30), 30, reference.wma, 10);
  });

  it('lies between the lowest and highest input of its window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e4, noNaN: true }), { minLength: 5, maxLength: 60 }),
        (xs) => {
          const wma = new WMA(5);
          for (const x of xs) wma.update(x);
          const window = xs.slice(-5);
          expect(wma.value!).toBeGreaterThanOrEqual(Math.min(...window) - 1e-9);
          expect(wma.value!).toBeLessThanOrEqual(Math.max(...window) + 1e-9);
        },
      ),
    );
  });
});
