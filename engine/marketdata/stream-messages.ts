/**
 * What the market-data stream decoder hands on: the shared domain objects tagged with their kind,
 * so one allocation per message serves both routing (`type`) and the consumers (a QuoteMessage is a
 * Quote), plus the stream's control messages.
 */
import type {
  Bar,
  LimitUpLimitDown,
  OrderBookUpdate,
  Quote,
  Trade,
  TradingStatus,
} from '../../shared/domain/market-data.ts';

export interface QuoteMessage extends Quote {
  readonly type: 'quote';
}

export interface TradeMessage extends Trade {
  readonly type: 'trade';
}

export interface BarMessage extends Bar {
  readonly type: 'bar';
}

export interface OrderBookMessage extends OrderBookUpdate {
  readonly type: 'orderbook';
}

export interface StatusMessage extends TradingStatus {
  readonly type: 'status';
}

export interface LuldMessage extends LimitUpLimitDown {
  readonly type: 'luld';
}

export interface SuccessMessage {
  readonly type: 'success';
  readonly message: string;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly code: number;
  readonly message: string;
}

/** The server's complete current subscription set, channel name → symbols. */
export interface SubscriptionMessage {
  readonly type: 'subscription';
  readonly channels: Readonly<Record<string, readonly string[]>>;
}

export type StreamDataMessage =
  | QuoteMessage
  | TradeMessage
  | BarMessage
  | OrderBookMessage
  | StatusMessage
  | LuldMessage;

export type StreamControlMessage = SuccessMessage | ErrorMessage | SubscriptionMessage;

export type StreamMessage = StreamDataMessage | StreamControlMessage;
