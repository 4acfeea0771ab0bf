import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import type { Quote } from '../../../shared/domain/market-data.ts';
import { epochUsText, MidPriceMomentum } from '../../../shared/strategies/mid-price-momentum.ts';
import { recordingContext } from '../../support/recording-context.ts';

const quote = (mid: number, timestampUs: number): Quote => ({
  symbol: 'MSFT',
  bidPrice: mid - 0.01,
  bidSize: 1,
  askPrice: mid + 0.01,
  askSize: 1,
  timestampUs,
});

describe('Class: MidPriceMomentum', () => {
  /** A run-up then a drop, through a strategy with the given take-profit. */
  function runUpAndDrop(takeProfit?: number) {
    const context = recordingContext();
    const strategy = new MidPriceMomentum({
      id: 'mom',
      symbols: ['MSFT'],
      period: 3,
      threshold: 0.01,
      entryQty: parseFixed('5'),
      ...(takeProfit === undefined ? {} : { takeProfit }),
    });
    [100, 100, 100, 100.5, 103, 103, 99].forEach((mid, i) => {
      strategy.onQuote(quote(mid, i), context);
    });
    return context.intents;
  }

  it('buys at the ask on a run-up and sells the position at the bid on a drop', () => {
    expect(
      runUpAndDrop().map((i) => [i.side, i.qty, i.limitPrice, i.intentId, i.takeProfitPrice]),
    ).toStrictEqual([
      ['buy', parseFixed('5'), parseFixed('103.01'), 'mom:MSFT:4:buy', undefined],
      ['sell', parseFixed('5'), parseFixed('98.99'), 'mom:MSFT:6:sell', undefined],
    ]);
  });

  it('gives its entries a take-profit on the price grid when asked to, and its exits none', () => {
    // 103.01 × 1.03 = 106.1003, to the cent.
    expect(runUpAndDrop(0.03).map((i) => [i.side, i.takeProfitPrice])).toStrictEqual([
      ['buy', parseFixed('106.1')],
      ['sell', undefined],
    ]);
  });

  it('stays silent until warmed up and on crossed or one-sided quotes', () => {
    const context = recordingContext();
    const strategy = new MidPriceMomentum({
      id: 'mom',
      symbols: ['MSFT'],
      period: 5,
      threshold: 0,
      entryQty: parseFixed('1'),
    });
    strategy.onQuote(quote(100, 1), context);
    strategy.onQuote(quote(200, 2), context);
    strategy.onQuote({ ...quote(300, 3), bidPrice: 301, askPrice: 299 }, context);
    strategy.onQuote({ ...quote(300, 4), bidPrice: 0 }, context);
    expect(context.intents).toHaveLength(0);
  });
});

describe('Function: epochUsText', () => {
  it('writes the digits String() writes, for every safe integer and the odd non-integer', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (us) => {
        expect(epochUsText(us)).toBe(String(us));
      }),
    );
    for (const us of [0, 5, 999_999_999, 1e9, 1e9 + 1, 1_764_000_000_000_001, 1.5, -3, Number.NaN])
      expect(epochUsText(us)).toBe(String(us));
  });
});
