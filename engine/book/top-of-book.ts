/**
 * Level 1 book for a stock, replaced whole by every quote. A price of 0 on the wire means that
 * side is empty; it is held as NaN so mid and spread come out NaN rather than wrong.
 */
import type { Quote } from '../../shared/domain/market-data.ts';
import type { BestBidOffer } from './best-bid-offer.ts';

export class TopOfBook implements BestBidOffer {
  readonly symbol: string;
  bidPrice = Number.NaN;
  bidSize = 0;
  askPrice = Number.NaN;
  askSize = 0;
  timestampUs = Number.NaN;

  constructor(symbol: string) {
    this.symbol = symbol;
  }

  applyQuote(quote: Quote): void {
    const hasBid = quote.bidPrice > 0;
    const hasAsk = quote.askPrice > 0;
    this.bidPrice = hasBid ? quote.bidPrice : Number.NaN;
    this.bidSize = hasBid ? quote.bidSize : 0;
    this.askPrice = hasAsk ? quote.askPrice : Number.NaN;
    this.askSize = hasAsk ? quote.askSize : 0;
    this.timestampUs = quote.timestampUs;
  }
}
