/**
 * The market a bar-driven venue sees: no quotes (orders meet bars, not quotes: bar-fill-rule.ts),
 * and each symbol's latest close as its last trade, which marks positions and prices notional
 * orders as the quote-driven venue's last trade does.
 */
import type { Quote, Trade } from '../../shared/domain/market-data.ts';
import type { QuoteSource } from './quote-source.ts';

interface Mark {
  price: number;
  timestampUs: number;
}

export class BarMarks implements QuoteSource {
  readonly #marks = new Map<string, Mark>();

  /** A bar closed: its close is the symbol's price from now on. */
  mark(symbol: string, close: number, timestampUs: number): void {
    const mark = this.#marks.get(symbol);
    if (mark === undefined) this.#marks.set(symbol, { price: close, timestampUs });
    else {
      mark.price = close;
      mark.timestampUs = timestampUs;
    }
  }

  latestQuote(_symbol: string): Quote | undefined {
    return undefined;
  }

  latestTrade(symbol: string): Trade | undefined {
    const mark = this.#marks.get(symbol);
    if (mark === undefined) return undefined;
    return { symbol, id: 0, price: mark.price, size: 0, timestampUs: mark.timestampUs, takerSide: 'unknown' };
  }

  onQuote(_listener: (quote: Quote) => void): () => void {
    return () => undefined;
  }
}
