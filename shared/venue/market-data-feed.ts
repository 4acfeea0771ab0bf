/**
 * The venue port's market-data side: what the engine consumes from a market-data venue, in domain
 * terms. Alpaca's adapter (shared/broker/alpaca/market-data) implements it over its WebSocket
 * streams and its REST history API; the engine (engine/marketdata, engine/strategy) sees only this
 * file, feed-metrics.ts and the domain types.
 *
 * A feed delivers tagged messages: the domain objects of shared/domain/market-data.ts with a
 * `type`, so one allocation per message serves both routing and the consumers (a QuoteMessage is a
 * Quote). Prices and sizes are float64 as they arrived (exact for the decimal text the venue
 * sent); they become exact Fixed values once per order intent, because a bigint per message would
 * cost more than decoding it (measured in shared/domain/fixed.ts). Timestamps are epoch µs.
 * Trade corrections and cancels, and order imbalances, are not delivered: the feed counts them as
 * ignored.
 */
import type {
  Bar,
  LimitUpLimitDown,
  OrderBookUpdate,
  Quote,
  Trade,
  TradingStatus,
} from '../domain/market-data.ts';
import type { ConnectionState } from './connection-state.ts';

export interface QuoteMessage extends Quote {
  readonly type: 'quote';
}

export interface TradeMessage extends Trade {
  readonly type: 'trade';
}

/** A minute bar, an updated (corrected) minute bar or a daily bar, told apart by `kind`. */
export interface BarMessage extends Bar {
  readonly type: 'bar';
}

/** Crypto order books: a snapshot (`reset`) or a delta. */
export interface OrderBookMessage extends OrderBookUpdate {
  readonly type: 'orderbook';
}

/** Trading status (halts, resumptions) of a stock. */
export interface StatusMessage extends TradingStatus {
  readonly type: 'status';
}

/** Limit up / limit down bands of a stock. */
export interface LuldMessage extends LimitUpLimitDown {
  readonly type: 'luld';
}

export type MarketDataMessage =
  | QuoteMessage
  | TradeMessage
  | BarMessage
  | OrderBookMessage
  | StatusMessage
  | LuldMessage;

export type MarketDataKind = MarketDataMessage['type'];

/** A period without data: from the last data before the feed stopped being ready to its return. */
export interface FeedGap {
  readonly startUs: number;
  readonly endUs: number;
}

/** What the engine implements to consume a feed (engine/strategy/market-data-dispatch.ts). */
export interface MarketDataListener {
  /** Valid data messages of one frame, in the feed's order. The array is reused: read it, do not keep it. */
  onData(messages: readonly MarketDataMessage[], receivedUs: number): void;
  onStateChange?(state: ConnectionState, previous: ConnectionState, reason: string): void;
  /** Ready again after a loss or a silence; data between the gap's ends was missed (backfill it). */
  onResumed?(gap: FeedGap): void;
}

/** One running feed, as the engine starts, watches and stops it. */
export interface MarketDataFeed {
  readonly state: ConnectionState;
  start(): void;
  /** Stops for good; resolves once the connection is closed. */
  stop(): Promise<void>;
}

/** A history request's outcome: failures are values naming the request (never the credentials). */
export type HistoryResult<T> =
  | { readonly ok: true; readonly items: T[] }
  | { readonly ok: false; readonly reason: string; readonly status?: number };

/**
 * Where gaps are backfilled from: the venue's history API (Alpaca's market-data REST), or recorded
 * history in a backtest. Items come in time order per symbol.
 */
export interface MarketDataHistory {
  /** Minute bars starting in [fromUs, toUs]. */
  fetchMinuteBars(symbols: readonly string[], fromUs: number, toUs: number): Promise<HistoryResult<Bar>>;
  /** Trades in [fromUs, toUs]. */
  fetchTrades(symbols: readonly string[], fromUs: number, toUs: number): Promise<HistoryResult<Trade>>;
}
