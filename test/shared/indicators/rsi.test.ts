import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RSI } from '../../../shared/indicators/rsi.ts';

describe('Class: RSI', () => {
  it('is 100 after only gains and 50 on a flat series', () => {
    const rising = new RSI(3);
    for (const x of [1, 2, 3, 4]) rising.update(x);
    expect(rising.value).toBe(100);
    const flat = new RSI(3);
    for (const x of [5, 5, 5, 5]) flat.update(x);
    expect(flat.value).toBe(50);
  });

  it('stays within [0, 100]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 80 }),
        (xs) => {
          const rsi = new RSI(5);
          for (const x of xs) {
            const value = rsi.update(x);
            if (value !== null) {
              expect(value).toBeGreaterThanOrEqual(0);
              expect(value).toBeLessThanOrEqual(100);
            }
          }
        },
      ),
    );
  });
});
