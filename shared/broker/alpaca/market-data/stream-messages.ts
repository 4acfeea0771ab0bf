/**
 * What the market-data stream decoder hands on: the port's data messages (MarketDataMessage,
 * shared/venue/market-data-feed.ts) plus Alpaca's control messages, which stay in the adapter
 * (https://docs.alpaca.markets/docs/streaming-market-data: success, error, subscription).
 */
import type { MarketDataMessage } from '../../../venue/market-data-feed.ts';

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

export type StreamControlMessage = SuccessMessage | ErrorMessage | SubscriptionMessage;

export type StreamMessage = MarketDataMessage | StreamControlMessage;
