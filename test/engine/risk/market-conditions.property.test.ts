import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SymbolMarket } from '../../../engine/risk/market-conditions.ts';
import { type Fixed, fixedFromNumber } from '../../../shared/domain/fixed.ts';

const SCALE = 1_000_000_000n;

describe('Class: SymbolMarket', () => {
  it('withinCollar says |limit − mid| × 100 ≤ mid × percent, exactly, at every price scale', () => {
    // Sub-penny and whole-dollar prices, limits within a few units of the collar's edge.
    const price = fc.oneof(
      fc.integer({ min: 1, max: 1_000_000 }).map((n) => n / 10_000),
      fc.integer({ min: 100, max: 10_000_000 }).map((n) => n / 100),
    );
    fc.assert(
      fc.property(
        price,
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: -3, max: 3 }),
        fc.boolean(),
        (bid, spreadTicks, pctUnits, nudge, above) => {
          const market = new SymbolMarket();
          market.setQuote(bid, bid + spreadTicks / 100, 0);
          const pct = BigInt(pctUnits) as Fixed;
          const mid = market.midFixed;
          const edge = (mid * pct) / (100n * SCALE);
          const limit = (above ? mid + edge : mid - edge) + BigInt(nudge);
          if (limit <= 0n) return;
          const distance = limit > mid ? limit - mid : mid - limit;
          expect(market.withinCollar(limit as Fixed, pct)).toBe(distance * 100n * SCALE <= mid * pct);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('answers after any run of quotes as a market that saw only the last one', () => {
    // Few distinct prices, so quotes often repeat a side or both (sizes-only updates).
    const price = fc.constantFrom(0.5, 0.9999, 1, 99.99, 100, 100.01, 100.02);
    const quote = fc.record({ bid: price, ask: price });
    fc.assert(
      fc.property(fc.array(quote, { minLength: 1, maxLength: 12 }), fc.boolean(), (quotes, askFirst) => {
        const market = new SymbolMarket();
        const pct = fixedFromNumber(2);
        const protection = fixedFromNumber(1);
        const answers = (subject: SymbolMarket) => [
          subject.bidFixed,
          subject.askFixed,
          subject.midFixed,
          subject.withinCollar(fixedFromNumber(100), pct),
          subject.protectiveBound(askFirst ? 'buy' : 'sell', protection),
          subject.protectiveBound(askFirst ? 'sell' : 'buy', protection),
        ];
        quotes.forEach(({ bid, ask }, i) => {
          market.setQuote(bid, ask, i);
          // Between quotes the exact forms are read, so a stale cache would show.
          if (i % 2 === 0) answers(market);
        });
        const last = quotes.at(-1)!;
        const fresh = new SymbolMarket();
        fresh.setQuote(last.bid, last.ask, quotes.length - 1);
        expect(answers(market)).toStrictEqual(answers(fresh));
      }),
      { numRuns: 1_000 },
    );
  });

  it('takes a new collar from each quote', () => {
    const market = new SymbolMarket();
    const pct = fixedFromNumber(5);
    market.setQuote(99.99, 100.01, 0);
    expect(market.withinCollar(fixedFromNumber(105), pct)).toBe(true);
    market.setQuote(89.99, 90.01, 1);
    expect(market.withinCollar(fixedFromNumber(105), pct)).toBe(false);
    expect(market.withinCollar(fixedFromNumber(94.5), pct)).toBe(true);
  });
});
