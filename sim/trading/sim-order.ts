/** The simulator's own record of an order: mutable, owned by the matching engine. */
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '../../shared/domain/order.ts';
import type { AssetClassName } from './asset-catalog.ts';

export type PositionIntent = 'buy_to_open' | 'buy_to_close' | 'sell_to_open' | 'sell_to_close';

/** Alpaca's order classes the simulator runs (mleg, options only, is not simulated). */
export const ORDER_CLASSES = ['simple', 'bracket', 'oco', 'oto'] as const;
export type OrderClass = (typeof ORDER_CLASSES)[number];

export interface SimOrder {
  readonly id: string;
  /** Submission order, the tie-breaker wherever timestamps are equal. */
  readonly seq: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly assetId: string;
  readonly assetClass: AssetClassName;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Changes only on an exit leg whose oco sibling filled in part: it shrinks to the sibling's rest. */
  qty: Fixed | null;
  readonly notional: Fixed | null;
  readonly limitPrice: Fixed | null;
  /** limitPrice as a float (NaN when none), to skip non-crossing limit orders cheaply per quote. */
  readonly limitFloat: number;
  stopPrice: Fixed | null;
  readonly trailPrice: Fixed | null;
  readonly trailPercent: Fixed | null;
  readonly extendedHours: boolean;
  readonly positionIntent: PositionIntent;
  /** Buying power this order holds while open (exposure-increasing orders only). */
  readonly reservedNotional: Fixed;
  status: OrderStatus;
  filledQty: Fixed;
  /** Σ price × qty of the executions at scale 1e-18, so the average price is exact. */
  filledValueRaw: bigint;
  /** High-water mark of a trailing stop (low-water mark for a buy). */
  hwm: Fixed | null;
  /** A stop, stop_limit or trailing_stop whose trigger has fired. */
  triggered: boolean;
  /** True once routed to the (simulated) venue: before that it cannot fill. */
  routed: boolean;
  readonly createdUs: number;
  updatedUs: number;
  readonly submittedUs: number;
  filledUs: number | null;
  expiredUs: number | null;
  canceledUs: number | null;
  failedUs: number | null;
  replacedUs: number | null;
  replacedBy: string | null;
  readonly replaces: string | null;
  readonly orderClass: OrderClass;
  /**
   * Every order of one bracket, oco or oto submission (and their replacements) carries the
   * parent's id; null for simple orders.
   */
  readonly groupId: string | null;
  /** The exit orders of a group that cancel each other (bracket exits, the oco pair); else null. */
  readonly ocoGroup: string | null;
  /** On a leg: its parent's id (it moves to the replacement when an oco parent is replaced). */
  parentId: string | null;
  /** On a parent: its legs, take-profit first, as Alpaca nests them. */
  legs: readonly SimOrder[];
}

/**
 * isTerminalStatus (shared/domain/order.ts, TERMINAL_ORDER_STATUSES) as comparisons of interned
 * strings instead of a Set lookup: the matching engine asks it several times per order.
 */
export function isTerminal(status: OrderStatus): boolean {
  return (
    status === 'filled' ||
    status === 'canceled' ||
    status === 'expired' ||
    status === 'replaced' ||
    status === 'rejected'
  );
}
