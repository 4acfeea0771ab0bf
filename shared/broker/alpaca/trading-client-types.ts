/**
 * What the trading client hands back: Alpaca's REST bodies mapped to exact domain values.
 * Wire strings stay at the boundary; callers see Fixed numbers and epoch times.
 */
import type { Fixed } from '../../domain/fixed.ts';
import type { Order, OrderSide, OrderType, TimeInForce } from '../../domain/order.ts';
import type { AssetClass } from '../../domain/symbol.ts';

/**
 * An order as Alpaca reported it. updatedAtNs keeps the nanoseconds of `updated_at`, because two
 * updates of one order (a cancel request and its rejection) often share a millisecond and the
 * order state machine must still tell which is newer.
 */
export interface AlpacaOrder extends Order {
  readonly updatedAtNs: bigint;
  readonly orderClass: string;
}

export interface OrderRequest {
  readonly symbol: string;
  readonly qty: Fixed;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly clientOrderId: string;
  readonly limitPrice?: Fixed;
  readonly stopPrice?: Fixed;
  readonly trailPrice?: Fixed;
  readonly trailPercent?: Fixed;
  readonly extendedHours?: boolean;
  /** Absent: a simple order. */
  readonly orderClass?: 'bracket' | 'oto';
  readonly takeProfit?: { readonly limitPrice: Fixed };
  readonly stopLoss?: { readonly stopPrice: Fixed; readonly limitPrice?: Fixed };
}

export interface ReplaceRequest {
  readonly qty?: Fixed;
  readonly timeInForce?: TimeInForce;
  readonly limitPrice?: Fixed;
  readonly stopPrice?: Fixed;
  readonly trail?: Fixed;
  readonly clientOrderId?: string;
}

export interface ListOrdersQuery {
  readonly status?: 'open' | 'closed' | 'all';
  readonly limit?: number;
  /** Submission time lower bound, exclusive (epoch ms). */
  readonly afterMs?: number;
  readonly untilMs?: number;
  readonly direction?: 'asc' | 'desc';
  readonly symbols?: readonly string[];
}

export interface AlpacaPosition {
  readonly symbol: string;
  readonly assetClass: AssetClass;
  /** Signed: negative for shorts. */
  readonly qty: Fixed;
  readonly avgEntryPrice: Fixed;
  readonly marketValue: Fixed | null;
  readonly unrealizedPnl: Fixed | null;
}

export interface MarketClock {
  readonly timestampMs: number;
  readonly isOpen: boolean;
  readonly nextOpenMs: number;
  readonly nextCloseMs: number;
}

export interface CalendarDay {
  readonly date: string;
  /** HH:MM, New York. */
  readonly open: string;
  readonly close: string;
}

/** One entry of a bulk cancel or close-all answer: per-item HTTP status and body. */
export interface BulkItemResult {
  readonly key: string;
  readonly status: number;
  readonly order: AlpacaOrder | null;
}
