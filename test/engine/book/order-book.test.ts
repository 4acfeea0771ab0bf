import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookCondition, midPrice, spread } from '../../../engine/book/best-bid-offer.ts';
import { OrderBook } from '../../../engine/book/order-book.ts';
import type { BookLevel, OrderBookUpdate } from '../../../shared/domain/market-data.ts';

/** The obviously-correct model: a Map of price → size per side, sorted on every read. */
class ReferenceBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();

  apply(update: OrderBookUpdate): void {
    if (update.reset) {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [side, levels] of [
      [this.bids, update.bids],
      [this.asks, update.asks],
    ] as const) {
      for (const level of levels) {
        if (level.size === 0) side.delete(level.price);
        else side.set(level.price, level.size);
      }
    }
  }

  sorted(side: 'bid' | 'ask'): BookLevel[] {
    const map = side === 'bid' ? this.bids : this.asks;
    return [...map.entries()]
      .map(([price, size]) => ({ price, size }))
      .sort((a, b) => (side === 'bid' ? b.price - a.price : a.price - b.price));
  }
}

// A small price grid so updates collide with existing levels, remove them and cross the book.
const price = fc.integer({ min: 1, max: 60 }).map((ticks) => 100 + ticks * 0.25);
const size = fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 50, noNaN: true }));
const level = fc.record({ price, size });
const update: fc.Arbitrary<OrderBookUpdate> = fc.record({
  symbol: fc.constant('BTC/USD'),
  reset: fc.constant(false),
  bids: fc.array(level, { maxLength: 8 }),
  asks: fc.array(level, { maxLength: 8 }),
  timestampUs: fc.integer({ min: 0, max: 2 ** 50 }),
});
// About one update in ten is a snapshot.
const updates = fc.array(
  fc.tuple(update, fc.integer({ min: 0, max: 9 })).map(([u, roll]) => ({ ...u, reset: roll === 0 })),
  { maxLength: 60 },
);

function snapshot(bids: BookLevel[], asks: BookLevel[]): OrderBookUpdate {
  return { symbol: 'BTC/USD', reset: true, bids, asks, timestampUs: 1 };
}

describe('Class: OrderBook', () => {
  it('matches a reference model level for level over random snapshot and delta sequences', () => {
    fc.assert(
      fc.property(updates, (sequence) => {
        const book = new OrderBook('BTC/USD');
        const model = new ReferenceBook();
        for (const u of sequence) {
          book.apply(u);
          model.apply(u);
          const bids = model.sorted('bid');
          const asks = model.sorted('ask');
          expect(book.depth('bid', 1_000)).toStrictEqual(bids);
          expect(book.depth('ask', 1_000)).toStrictEqual(asks);
          expect(book.bidPrice).toBe(bids[0]?.price ?? Number.NaN);
          expect(book.askPrice).toBe(asks[0]?.price ?? Number.NaN);
          expect(book.bids.levelCount).toBe(bids.length);
          expect(book.timestampUs).toBe(u.timestampUs);
        }
      }),
    );
  });

  it('flags crossed and locked books instead of failing, whatever the sequence', () => {
    fc.assert(
      fc.property(updates, (sequence) => {
        const book = new OrderBook('BTC/USD');
        for (const u of sequence) book.apply(u);
        const condition = bookCondition(book);
        const bid = book.bidPrice;
        const ask = book.askPrice;
        if (Number.isNaN(bid) && Number.isNaN(ask)) expect(condition).toBe('empty');
        else if (Number.isNaN(bid) || Number.isNaN(ask)) expect(condition).toBe('one_sided');
        else if (bid > ask) expect(condition).toBe('crossed');
        else if (bid === ask) expect(condition).toBe('locked');
        else expect(condition).toBe('normal');
      }),
    );
  });

  it('averages a sweep of the opposite side exactly as the reference levels add up', () => {
    fc.assert(
      fc.property(updates, fc.double({ min: 0.001, max: 200, noNaN: true }), (sequence, quantity) => {
        const book = new OrderBook('BTC/USD');
        const model = new ReferenceBook();
        for (const u of sequence) {
          book.apply(u);
          model.apply(u);
        }
        const asks = model.sorted('ask');
        const available = asks.reduce((sum, l) => sum + l.size, 0);
        const estimate = book.averageFillPrice('buy', quantity);
        if (available < quantity * (1 - 1e-9)) {
          expect(estimate).toMatchObject({ ok: false, reason: 'insufficient_depth' });
          return;
        }
        if (available <= quantity * (1 + 1e-9)) return; // within rounding of exactly the book's depth
        let remaining = quantity;
        let notional = 0;
        let worst = Number.NaN;
        for (const l of asks) {
          if (remaining <= quantity * 1e-12) break; // the book's documented rounding tolerance
          const take = Math.min(remaining, l.size);
          notional += take * l.price;
          remaining -= take;
          worst = l.price;
        }
        expect(estimate.ok).toBe(true);
        if (!estimate.ok) return;
        expect(estimate.averagePrice).toBeCloseTo(notional / quantity, 9);
        expect(estimate.worstPrice).toBe(worst);
        expect(estimate.averagePrice).toBeGreaterThanOrEqual(asks[0]!.price - 1e-9);
        expect(estimate.averagePrice).toBeLessThanOrEqual(worst + 1e-9);
      }),
    );
  });

  it('removes a level on size 0 and replaces a level on a new size', () => {
    const book = new OrderBook('BTC/USD');
    book.apply(
      snapshot(
        [
          { price: 100, size: 1 },
          { price: 99, size: 2 },
        ],
        [{ price: 101, size: 3 }],
      ),
    );
    book.apply({
      symbol: 'BTC/USD',
      reset: false,
      bids: [{ price: 100, size: 0 }],
      asks: [{ price: 101, size: 7 }],
      timestampUs: 2,
    });
    expect(book.depth('bid', 5)).toStrictEqual([{ price: 99, size: 2 }]);
    expect(book.depth('ask', 5)).toStrictEqual([{ price: 101, size: 7 }]);
    expect(midPrice(book)).toBe(100);
    expect(spread(book)).toBe(2);
    expect(book.bids.sizeAtPrice(99)).toBe(2);
    expect(book.bids.sizeAtPrice(100)).toBe(0);
  });

  it('answers a sweep for a bad quantity with a reason, not an exception', () => {
    const book = new OrderBook('BTC/USD');
    book.apply(snapshot([{ price: 100, size: 1 }], [{ price: 101, size: 1 }]));
    expect(book.averageFillPrice('sell', 0)).toStrictEqual({ ok: false, reason: 'invalid_quantity' });
    expect(book.averageFillPrice('sell', Number.NaN)).toStrictEqual({
      ok: false,
      reason: 'invalid_quantity',
    });
    expect(book.averageFillPrice('sell', 3)).toStrictEqual({
      ok: false,
      reason: 'insufficient_depth',
      availableSize: 1,
    });
    expect(book.averageFillPrice('sell', 0.5)).toStrictEqual({
      ok: true,
      averagePrice: 100,
      worstPrice: 100,
    });
  });

  it('grows past its initial capacity and keeps order', () => {
    const book = new OrderBook('BTC/USD');
    const bids = Array.from({ length: 500 }, (_, i) => ({ price: 1 + i, size: 1 }));
    book.apply(snapshot(bids, []));
    expect(book.bids.levelCount).toBe(500);
    expect(book.bidPrice).toBe(500);
    expect(book.bids.priceAt(499)).toBe(1);
    expect(book.bids.priceAt(500)).toBeNaN();
  });
});
