/**
 * A market that moves only when told to: tests and the admin interface set each symbol's quote
 * and last trade, and every listener hears the new quote at once. It makes fills exactly
 * predictable, where the generated market makes them realistic.
 */
import type { Quote, Trade } from '../../shared/domain/market-data.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { QuoteSource } from './quote-source.ts';

export interface ScriptedQuoteInput {
  readonly symbol: string;
  readonly bidPrice: number;
  readonly askPrice: number;
  readonly bidSize: number;
  readonly askSize: number;
}

export class ScriptedQuotes implements QuoteSource {
  readonly #clock: Clock;
  readonly #quotes = new Map<string, Quote>();
  readonly #trades = new Map<string, Trade>();
  readonly #listeners = new Set<(quote: Quote) => void>();
  #tradeId = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  latestQuote(symbol: string): Quote | undefined {
    return this.#quotes.get(symbol);
  }

  latestTrade(symbol: string): Trade | undefined {
    return this.#trades.get(symbol);
  }

  onQuote(listener: (quote: Quote) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setQuote(input: ScriptedQuoteInput): Quote {
    const quote: Quote = { ...input, timestampUs: this.#clock.nowUs() };
    this.#quotes.set(quote.symbol, quote);
    for (const listener of this.#listeners) listener(quote);
    return quote;
  }

  setTrade(symbol: string, price: number, size: number): Trade {
    const trade: Trade = {
      symbol,
      id: ++this.#tradeId,
      price,
      size,
      timestampUs: this.#clock.nowUs(),
      takerSide: 'unknown',
    };
    this.#trades.set(symbol, trade);
    return trade;
  }
}
