/**
 * The best bid and offer: what both book kinds answer (the L1 TopOfBook from quotes, the L2
 * OrderBook from order-book messages), and the figures derived from it. A crossed or locked book is a condition to report, never an error: feeds
 * cross briefly between venues and between a delta's sides.
 */

export interface BestBidOffer {
  readonly symbol: string;
  /** NaN when there is no bid. */
  readonly bidPrice: number;
  readonly bidSize: number;
  /** NaN when there is no ask. */
  readonly askPrice: number;
  readonly askSize: number;
  /** Exchange time of the last change, epoch microseconds; NaN before the first. */
  readonly timestampUs: number;
}

export type BookCondition = 'empty' | 'one_sided' | 'normal' | 'locked' | 'crossed';

export function bookCondition(top: BestBidOffer): BookCondition {
  const hasBid = top.bidPrice > 0;
  const hasAsk = top.askPrice > 0;
  if (!hasBid && !hasAsk) return 'empty';
  if (!hasBid || !hasAsk) return 'one_sided';
  if (top.bidPrice < top.askPrice) return 'normal';
  return top.bidPrice === top.askPrice ? 'locked' : 'crossed';
}

/** Midpoint of the best bid and ask; NaN unless both sides are present. */
export function midPrice(top: BestBidOffer): number {
  return (top.bidPrice + top.askPrice) / 2;
}

/** Ask minus bid (negative when crossed); NaN unless both sides are present. */
export function spread(top: BestBidOffer): number {
  return top.askPrice - top.bidPrice;
}
