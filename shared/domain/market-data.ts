/**
 * Market data as the engine holds it. Prices and sizes stay float64, exactly as they arrive on
 * the wire, because these objects are made per message on the hot path; they become Fixed only
 * when an order intent is built from them (see fixed.ts for the measured trade-off).
 * Timestamps are epoch microseconds: integral, exact in a float64 until the year 2255, and fine
 * enough to measure feed lag.
 */

export interface Quote {
  readonly symbol: string;
  readonly bidPrice: number;
  readonly bidSize: number;
  readonly askPrice: number;
  readonly askSize: number;
  readonly timestampUs: number;
}

export type TakerSide = 'buy' | 'sell' | 'unknown';

export interface Trade {
  readonly symbol: string;
  readonly id: number;
  readonly price: number;
  readonly size: number;
  readonly timestampUs: number;
  readonly takerSide: TakerSide;
}

export type BarKind = 'minute' | 'daily' | 'updated';

export interface Bar {
  readonly symbol: string;
  readonly kind: BarKind;
  /** Start of the bar's interval ([start, end)), as Alpaca labels bars. */
  readonly startUs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly tradeCount: number;
  readonly vwap: number;
}

export interface TradingStatus {
  readonly symbol: string;
  readonly statusCode: string;
  readonly statusMessage: string;
  readonly reasonCode: string;
  readonly reasonMessage: string;
  readonly timestampUs: number;
}

export interface LimitUpLimitDown {
  readonly symbol: string;
  readonly limitUp: number;
  readonly limitDown: number;
  readonly indicator: string;
  readonly timestampUs: number;
}

export interface BookLevel {
  readonly price: number;
  readonly size: number;
}

export interface OrderBookUpdate {
  readonly symbol: string;
  /** True for a full snapshot that replaces the book; false for a delta (size 0 removes a level). */
  readonly reset: boolean;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly timestampUs: number;
}
