import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentTrades } from '../../../engine/marketdata/recent-trades.ts';

describe('Class: RecentTrades', () => {
  it('passes every distinct trade once and catches every repeat of a recent one, in any order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })), {
          maxLength: 200,
          selector: ([id, t]) => `${id}/${t}`,
        }),
        fc.array(fc.nat(), { maxLength: 100 }),
        (trades, repeats) => {
          const recent = new RecentTrades();
          const seen: [number, number][] = [];
          for (const [i, [id, t]] of trades.entries()) {
            expect(recent.isNew('AAPL', id, t)).toBe(true);
            seen.push([id, t]);
            const repeat = repeats[i];
            if (repeat !== undefined) {
              const [rid, rt] = seen[repeat % seen.length]!;
              expect(recent.isNew('AAPL', rid, rt)).toBe(false);
            }
          }
        },
      ),
    );
  });

  it('keeps symbols apart and tells trades at the same instant apart by ID', () => {
    const recent = new RecentTrades();
    expect(recent.isNew('AAPL', 1, 10)).toBe(true);
    expect(recent.isNew('MSFT', 1, 10)).toBe(true);
    expect(recent.isNew('AAPL', 2, 10)).toBe(true);
    expect(recent.isNew('AAPL', 1, 10)).toBe(false);
    expect(recent.duplicates).toBe(1);
  });
});
