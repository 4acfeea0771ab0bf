import type { Fixed } from './fixed.ts';
import type { AssetClass } from './symbol.ts';

export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIME_IN_FORCE = ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/** Every status Alpaca documents, plus the SDK-only held and pending_review. */
export const ORDER_STATUSES = [
  'new',
  'partially_filled',
  'filled',
  'done_for_day',
  'canceled',
  'expired',
  'replaced',
  'pending_cancel',
  'pending_replace',
  'accepted',
  'pending_new',
  'accepted_for_bidding',
  'stopped',
  'rejected',
  'suspended',
  'calculated',
  'held',
  'pending_review',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses after which an order can never fill again. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'canceled',
  'expired',
  'replaced',
  'rejected',
]);

export function isTerminalStatus(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.has(status);
}

/** Why an intent exists; reduce-only purposes pass the risk rules that exist to block new risk. */
export type IntentPurpose = 'entry' | 'exit' | 'stop_loss' | 'trailing_stop' | 'kill_switch' | 'operator';

export function isReduceOnlyPurpose(purpose: IntentPurpose): boolean {
  return purpose !== 'entry';
}

/** What a strategy (or an operator, or a stop) wants; risk decides whether it becomes an order. */
export interface OrderIntent {
  /** Stable id of the decision; the client_order_id is derived from it, so retries never duplicate. */
  readonly intentId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly assetClass: AssetClass;
  readonly side: OrderSide;
  readonly qty: Fixed;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly limitPrice?: Fixed;
  readonly stopPrice?: Fixed;
  readonly trailPercent?: Fixed;
  readonly trailPrice?: Fixed;
  readonly extendedHours?: boolean;
  /** A take-profit for the position an entry opens; with broker-held stops it makes the entry a bracket. */
  readonly takeProfitPrice?: Fixed;
  /** The price the decision was made on; slippage is measured against it. */
  readonly referencePrice: Fixed;
  readonly purpose: IntentPurpose;
  readonly createdAtMs: number;
}

/** An order as the engine tracks it, mirroring Alpaca's order object with exact numbers. */
export interface Order {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly assetClass: AssetClass;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly qty: Fixed;
  readonly filledQty: Fixed;
  readonly filledAvgPrice: Fixed | null;
  readonly limitPrice: Fixed | null;
  readonly stopPrice: Fixed | null;
  readonly trailPercent: Fixed | null;
  readonly trailPrice: Fixed | null;
  readonly status: OrderStatus;
  readonly extendedHours: boolean;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly replacedBy: string | null;
  readonly replaces: string | null;
}
