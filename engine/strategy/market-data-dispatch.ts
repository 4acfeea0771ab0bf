/**
 * The engine's one listener on each feed: every decoded frame goes to the market-data service
 * (books, freshness, bars) and then, message by message, to risk (reference prices, halts,
 * LULD bands) and to the strategies. Risk sees a quote before the strategies do, so an intent
 * made on that quote is checked against the price that caused it. This is the hot path: a
 * loop over a reused array, no allocation of its own. `symbols` are the feed's own: its gaps and
 * silences concern only them.
 */
import type { StreamState } from '../../shared/broker/alpaca/stream-connection-states.ts';
import type { FeedGap, FeedListener } from '../marketdata/feed-client.ts';
import type { MarketDataService } from '../marketdata/market-data-service.ts';
import type { StreamDataMessage } from '../marketdata/stream-messages.ts';
import type { RiskMarketDataSink } from '../risk/market-conditions.ts';
import type { StrategyHost } from './strategy-host.ts';

export class MarketDataDispatch implements FeedListener {
  readonly #marketData: MarketDataService;
  readonly #risk: RiskMarketDataSink;
  readonly #strategies: StrategyHost;
  readonly #symbols: readonly string[];

  constructor(
    marketData: MarketDataService,
    risk: RiskMarketDataSink,
    strategies: StrategyHost,
    symbols: readonly string[],
  ) {
    this.#marketData = marketData;
    this.#risk = risk;
    this.#strategies = strategies;
    this.#symbols = symbols;
  }

  onData(messages: readonly StreamDataMessage[], receivedUs: number): void {
    this.#marketData.onData(messages, receivedUs);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      switch (message.type) {
        case 'quote':
          this.#risk.onQuote(message.symbol, message.bidPrice, message.askPrice, message.timestampUs);
          this.#strategies.onQuote(message);
          break;
        case 'status':
          this.#risk.onTradingStatus(message.symbol, message.statusCode, message.timestampUs);
          break;
        case 'luld':
          this.#risk.onLuld(message.symbol, message.limitUp, message.limitDown, message.timestampUs);
          break;
        default:
          break;
      }
    }
  }

  onStateChange(state: StreamState, previous: StreamState): void {
    this.#marketData.onStateChange(state, previous, this.#symbols);
    // Prices seen before a loss are no reference for orders sent during it.
    if (state !== 'ready') for (const symbol of this.#symbols) this.#risk.markStale(symbol);
  }

  onResumed(gap: FeedGap): void {
    this.#marketData.onResumed(gap, this.#symbols);
  }
}
