/**
 * Level 2 book for one symbol (Alpaca crypto order books): a snapshot replaces it, a delta sets
 * or removes levels (size 0 removes). Pure: no I/O, no clock.
 */
import type { BookLevel, OrderBookUpdate } from '../../shared/domain/market-data.ts';
import type { BestBidOffer } from './best-bid-offer.ts';
import { type BookSide, PriceLadder } from './price-ladder.ts';

export type FillEstimate =
  | {
      readonly ok: true;
      /** Size-weighted average price of sweeping the book for the whole quantity. */
      readonly averagePrice: number;
      /** Price of the last level touched. */
      readonly worstPrice: number;
    }
  | { readonly ok: false; readonly reason: 'insufficient_depth'; readonly availableSize: number }
  | { readonly ok: false; readonly reason: 'invalid_quantity' };

export class OrderBook implements BestBidOffer {
  readonly symbol: string;
  readonly bids = new PriceLadder('bid');
  readonly asks = new PriceLadder('ask');
  timestampUs = Number.NaN;

  constructor(symbol: string) {
    this.symbol = symbol;
  }

  get bidPrice(): number {
    return this.bids.bestPrice;
  }

  get bidSize(): number {
    return this.bids.bestSize;
  }

  get askPrice(): number {
    return this.asks.bestPrice;
  }

  get askSize(): number {
    return this.asks.bestSize;
  }

  apply(update: OrderBookUpdate): void {
    if (update.reset) {
      this.bids.clear();
      this.asks.clear();
    }
    for (const level of update.bids) this.bids.set(level.price, level.size);
    for (const level of update.asks) this.asks.set(level.price, level.size);
    this.timestampUs = update.timestampUs;
  }

  /** Up to `levels` levels of one side, best first. */
  depth(side: BookSide, levels: number): BookLevel[] {
    const ladder = side === 'bid' ? this.bids : this.asks;
    const count = Math.min(levels, ladder.levelCount);
    const out: BookLevel[] = new Array(count);
    for (let rank = 0; rank < count; rank++)
      out[rank] = { price: ladder.priceAt(rank), size: ladder.sizeAt(rank) };
    return out;
  }

  /**
   * The average price a marketable order of `quantity` would get by sweeping the opposite side:
   * a buy walks the asks, a sell walks the bids.
   */
  averageFillPrice(takerSide: 'buy' | 'sell', quantity: number): FillEstimate {
    if (!(quantity > 0 && quantity < Number.POSITIVE_INFINITY))
      return { ok: false, reason: 'invalid_quantity' };
    const ladder = takerSide === 'buy' ? this.asks : this.bids;
    let remaining = quantity;
    let notional = 0;
    for (let rank = 0; rank < ladder.levelCount; rank++) {
      const price = ladder.priceAt(rank);
      const take = Math.min(remaining, ladder.sizeAt(rank));
      notional += take * price;
      remaining -= take;
      // Relative tolerance: float sums of level sizes must not turn an exact fill into a shortfall.
      if (remaining <= quantity * 1e-12)
        return { ok: true, averagePrice: notional / quantity, worstPrice: price };
    }
    return { ok: false, reason: 'insufficient_depth', availableSize: quantity - remaining };
  }
}
