/** Messages of Alpaca's trade_updates stream, mapped to exact domain values. */
import type { Fixed } from '../../domain/fixed.ts';
import type { AlpacaOrder } from './trading-client-types.ts';
import { tradeUpdateEventSchema } from './trading-schemas.ts';

/** Every event the shared schema accepts (docs/alpaca-protocol.md §3.4). */
export const TRADE_UPDATE_EVENTS = tradeUpdateEventSchema.options;
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
  readonly event: TradeUpdateEvent;
  readonly order: AlpacaOrder;
  readonly timestampMs: number;
  /** The event's `timestamp` with its nanoseconds: orders its updates when `updated_at` ties. */
  readonly timestampNs: bigint;
  /** Present on fill and partial_fill. */
  readonly execution: Execution | null;
}
