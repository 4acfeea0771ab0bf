/**
 * The venue port's types: what any venue — Alpaca through its adapter, or the in-process venue a
 * backtest and the deterministic harness run against — takes and answers, in domain terms (exact
 * Fixed numbers, epoch times). Wire formats stay inside each venue's adapter.
 */
import type { Fixed } from '../domain/fixed.ts';
import type { Order, OrderSide, OrderType, TimeInForce } from '../domain/order.ts';
import type { AssetClass } from '../domain/symbol.ts';

/**
 * An order as the venue reported it. updatedAtNs keeps the nanoseconds of `updated_at`, because two
 * updates of one order (a cancel request and its rejection) often share a millisecond and the
 * order state machine must still tell which is newer.
 */
export interface VenueOrder extends Order {
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
  /** Absent: a simple order. An oco order is a limit exit whose stop-loss leg cancels it. */
  readonly orderClass?: 'bracket' | 'oco' | 'oto';
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

export interface VenuePosition {
  readonly symbol: string;
  readonly assetClass: AssetClass;
  /** Signed: negative for shorts. */
  readonly qty: Fixed;
  readonly avgEntryPrice: Fixed;
  readonly marketValue: Fixed | null;
  readonly unrealizedPnl: Fixed | null;
}

/** A venue's request budget as it announced it; null fields were not said. */
export interface VenueQuota {
  readonly limit: number | null;
  readonly remaining: number | null;
  readonly resetAtMs: number | null;
}

/** One entry of a bulk answer (cancel all, close all): the order id or symbol, its status, the order. */
export interface BulkItemResult {
  readonly key: string;
  /** HTTP-style: 200 done, 4xx refused (already final), 5xx failed. */
  readonly status: number;
  readonly order: VenueOrder | null;
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

/** What happened to an order, as a venue reports it (Alpaca's trade_updates events). */
export const VENUE_ORDER_EVENTS = [
  'new',
  'fill',
  'partial_fill',
  'canceled',
  'expired',
  'done_for_day',
  'replaced',
  'accepted',
  'rejected',
  'pending_new',
  'stopped',
  'pending_cancel',
  'pending_replace',
  'calculated',
  'suspended',
  'order_replace_rejected',
  'order_cancel_rejected',
] as const;
export type VenueOrderEventKind = (typeof VENUE_ORDER_EVENTS)[number];

export interface VenueExecution {
  readonly executionId: string;
  /** This execution's quantity, not the order's cumulative filled quantity. */
  readonly qty: Fixed;
  readonly price: Fixed;
  readonly timestampMs: number;
  /** The venue's signed position after this execution, when it says. */
  readonly positionQty: Fixed | null;
}

export interface VenueOrderEvent {
  readonly event: VenueOrderEventKind;
  /** The order as it stood right after the event. */
  readonly order: VenueOrder;
  readonly timestampMs: number;
  /** The event's time with its nanoseconds: orders an order's events when `updatedAtNs` ties. */
  readonly timestampNs: bigint;
  /** Present on fill and partial_fill. */
  readonly execution: VenueExecution | null;
}
