import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATR } from '../../../shared/indicators/atr.ts';
import { arbitraryBars } from './indicator-fixtures.ts';

describe('Class: ATR', () => {
  it('is never negative', () => {
    fc.assert(
      fc.property(arbitraryBars(40), (bars) => {
        const atr = new ATR(3);
        for (const bar of bars) {
          const value = atr.update(bar);
          if (value !== null) expect(value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
