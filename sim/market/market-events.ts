/**
 * What the simulated market emits: the shared domain shapes plus the fields Alpaca's wire
 * carries that the engine's domain model drops (exchanges, conditions, tape, and the
 * nanoseconds below the microsecond, so JSON timestamps carry all nine fractional digits).
 */
import type {
  Bar,
  LimitUpLimitDown,
  OrderBookUpdate,
  Quote,
  Trade,
  TradingStatus,
} from '../../shared/domain/market-data.ts';

/** Nanoseconds within the microsecond of `timestampUs` (0–999). */
interface SubMicro {
  readonly nanos: number;
}

export interface SimQuote extends Quote, SubMicro {
  readonly bidExchange: string;
  readonly askExchange: string;
  readonly conditions: readonly string[];
  readonly tape: string;
}

export interface SimTrade extends Trade, SubMicro {
  readonly exchange: string;
  readonly conditions: readonly string[];
  readonly tape: string;
}

export type SimBar = Bar;

export interface SimStatus extends TradingStatus, SubMicro {
  readonly tape: string;
}

export interface SimLuld extends LimitUpLimitDown, SubMicro {
  readonly tape: string;
}

export interface SimOrderBook extends OrderBookUpdate, SubMicro {}

export interface MarketListeners {
  readonly quote: ((quote: SimQuote) => void)[];
  readonly trade: ((trade: SimTrade) => void)[];
  readonly bar: ((bar: SimBar) => void)[];
  readonly status: ((status: SimStatus) => void)[];
  readonly luld: ((luld: SimLuld) => void)[];
  readonly orderBook: ((book: SimOrderBook) => void)[];
}
