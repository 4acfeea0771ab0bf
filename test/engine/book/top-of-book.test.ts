import { describe, expect, it } from 'vitest';
import { bookCondition, midPrice, spread } from '../../../engine/book/best-bid-offer.ts';
import { TopOfBook } from '../../../engine/book/top-of-book.ts';
import type { Quote } from '../../../shared/domain/market-data.ts';

const quote = (bidPrice: number, askPrice: number): Quote => ({
  symbol: 'AAPL',
  bidPrice,
  bidSize: 3,
  askPrice,
  askSize: 4,
  timestampUs: 1_700_000_000_000_000,
});

describe('Class: TopOfBook', () => {
  it('takes the whole quote and derives mid and spread', () => {
    const top = new TopOfBook('AAPL');
    top.applyQuote(quote(100, 100.5));
    expect([top.bidPrice, top.bidSize, top.askPrice, top.askSize]).toStrictEqual([100, 3, 100.5, 4]);
    expect(top.timestampUs).toBe(1_700_000_000_000_000);
    expect(midPrice(top)).toBe(100.25);
    expect(spread(top)).toBe(0.5);
    expect(bookCondition(top)).toBe('normal');
  });

  it.each([
    [100, 100, 'locked'],
    [100.5, 100, 'crossed'],
    [0, 100, 'one_sided'],
    [0, 0, 'empty'],
  ] as const)('bid %d / ask %d is %s', (bid, ask, condition) => {
    const top = new TopOfBook('AAPL');
    top.applyQuote(quote(bid, ask));
    expect(bookCondition(top)).toBe(condition);
  });

  it('holds an empty side as no price, so mid and spread are NaN rather than wrong', () => {
    const top = new TopOfBook('AAPL');
    top.applyQuote(quote(0, 100));
    expect(top.bidPrice).toBeNaN();
    expect(top.bidSize).toBe(0);
    expect(midPrice(top)).toBeNaN();
    expect(spread(top)).toBeNaN();
  });
});
