import type { Quote, Trade } from '../../shared/domain/market-data.ts';

/**
 * What the matching engine and the trading REST need from the market. The generated market
 * implements it; so can a scripted market that a test or the admin interface drives.
 */
export interface QuoteSource {
  latestQuote(symbol: string): Quote | undefined;
  latestTrade(symbol: string): Trade | undefined;
  /** Called for every new quote; returns an unsubscribe function. */
  onQuote(listener: (quote: Quote) => void): () => void;
}
