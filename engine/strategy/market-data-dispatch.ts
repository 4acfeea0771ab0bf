/**
 * The engine's one listener on each feed: every decoded frame goes to the market-data service
 * (books, freshness, bars) and then, message by message, to risk (reference prices, halts,
 * LULD bands) and to the strategies. Risk sees a quote before the strategies do, so an intent
 * made on that quote is checked against the price that caused it. This is the hot path: a
 * loop over a reused array, no allocation of its own. `symbols` are the feed's own: its gaps and
 * silences concern only them; its state changes also go to the feed's connection watch, when
 * given. It implements the market-data port's listener (shared/venue/market-data-feed.ts),
 * whatever venue's feed drives it.
 */
import type { ConnectionState } from '../../shared/venue/connection-state.ts';
import type { FeedGap, MarketDataListener, MarketDataMessage } from '../../shared/venue/market-data-feed.ts';
import type { FeedConnectionWatch } from '../marketdata/feed-connection-watch.ts';
import type { MarketDataService } from '../marketdata/market-data-service.ts';
import type { RiskMarketDataSink } from '../risk/market-conditions.ts';
import type { StrategyHost } from './strategy-host.ts';

export class MarketDataDispatch implements MarketDataListener {
  readonly #marketData: MarketDataService;
  readonly #risk: RiskMarketDataSink;
  readonly #strategies: StrategyHost;
  readonly #symbols: readonly string[];
  readonly #connection: FeedConnectionWatch | undefined;

  constructor(
    marketData: MarketDataService,
    risk: RiskMarketDataSink,
    strategies: StrategyHost,
    symbols: readonly string[],
    connection?: FeedConnectionWatch,
  ) {
    this.#marketData = marketData;
    this.#risk = risk;
    this.#strategies = strategies;
    this.#symbols = symbols;
    this.#connection = connection;
  }

  onData(messages: readonly MarketDataMessage[], receivedUs: number): void {
    this.#marketData.onData(messages, receivedUs);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      switch (message.type) {
        case 'quote':
          this.#risk.onQuote(message.symbol, message.bidPrice, message.askPrice, message.timestampUs);
          this.#strategies.onQuote(message);
          break;
        case 'trade':
          this.#risk.onTrade(message.symbol, message.timestampUs);
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

  onStateChange(state: ConnectionState, previous: ConnectionState): void {
    this.#connection?.onStateChange(state);
    this.#marketData.onStateChange(state, previous, this.#symbols);
    // Prices seen before a loss are no reference for orders sent during it.
    if (state !== 'ready') for (const symbol of this.#symbols) this.#risk.markStale(symbol);
  }

  onResumed(gap: FeedGap): void {
    this.#marketData.onResumed(gap, this.#symbols);
  }
}
