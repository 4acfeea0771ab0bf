/** Messages of Alpaca's trade_updates stream, mapped to exact domain values. */
import type { Fixed } from '../../domain/fixed.ts';
import type { AlpacaOrder } from './trading-client-types.ts';

/** Every documented event, plus restated from alpaca-py's enum; unknown events are kept as text. */
export const TRADE_UPDATE_EVENTS = [
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
  'restated',
] as const;
export type TradeUpdateEvent = (typeof TRADE_UPDATE_EVENTS)[number];

export interface Execution {
  readonly executionId: string;
  /** This execution's quantity, not the order's cumulative filled quantity. */
  readonly qty: Fixed;
  readonly price: Fixed;
  readonly timestampMs: number;
  /** The broker's signed position after this execution, when sent. */
  readonly positionQty: Fixed | null;
}

export interface TradeUpdate {
  readonly event: TradeUpdateEvent | (string & {});
  readonly order: AlpacaOrder;
  readonly timestampMs: number;
  /** The event's `timestamp` with its nanoseconds: orders its updates when `updated_at` ties. */
  readonly timestampNs: bigint;
  /** Present on fill and partial_fill. */
  readonly execution: Execution | null;
}
