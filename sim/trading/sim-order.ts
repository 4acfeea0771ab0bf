/**
 * The simulator's own record of an order: mutable, owned by the matching engine.
 *
 * A class, not an object literal: V8 pretenures a literal's allocation site once most of what it
 * allocated outlives young collections, as the closed orders a venue keeps known do, and a
 * pretenured record is born in the old generation, with a write barrier per field and a full
 * collection to free it. Built as a literal, the record took 18% of the in-process round trip's
 * CPU profile (`venue.inprocess_order_roundtrip`); as an instance, 5%. Its fields are `declare`d
 * and set in the constructor only, in this order, so the layout is the literal's: with class
 * field initializers they come first, and the fields the per-quote scan reads (type, side,
 * limitFloat) moved a cache line further from the map, which cost `sim.match_quote` ~12% at p50.
 */
import { type Fixed, fixedToNumber, ZERO } from '../../shared/domain/fixed.ts';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '../../shared/domain/order.ts';
import type { AssetClassName } from './asset-catalog.ts';
import type { Admission } from './order-admission.ts';
import { textKey } from './order-index.ts';
import type { SimOrderRequest } from './order-request.ts';

export type PositionIntent = 'buy_to_open' | 'buy_to_close' | 'sell_to_open' | 'sell_to_close';

/** Alpaca's order classes the simulator runs (mleg, options only, is not simulated). */
export const ORDER_CLASSES = ['simple', 'bracket', 'oco', 'oto'] as const;
export type OrderClass = (typeof ORDER_CLASSES)[number];

/** Where an order stands in a bracket, oco or oto group, and the status it starts in. */
export type OrderLink = Pick<SimOrder, 'orderClass' | 'groupId' | 'ocoGroup' | 'parentId'> & {
  readonly status: 'pending_new' | 'held';
};

/** The legs of every order without any: one shared empty list (legs are replaced, never pushed to). */
export const NO_LEGS: readonly SimOrder[] = Object.freeze([]);

export class SimOrder {
  declare readonly id: string;
  /** Submission order, the tie-breaker wherever timestamps are equal. */
  declare readonly seq: number;
  declare readonly clientOrderId: string;
  declare readonly symbol: string;
  declare readonly assetId: string;
  declare readonly assetClass: AssetClassName;
  declare readonly side: OrderSide;
  declare readonly type: OrderType;
  declare readonly timeInForce: TimeInForce;
  /** Changes only on an exit leg whose oco sibling filled in part: it shrinks to the sibling's rest. */
  declare qty: Fixed | null;
  declare readonly notional: Fixed | null;
  declare readonly limitPrice: Fixed | null;
  /** limitPrice as a float (NaN when none), to skip non-crossing limit orders cheaply per quote. */
  declare readonly limitFloat: number;
  declare stopPrice: Fixed | null;
  declare readonly trailPrice: Fixed | null;
  declare readonly trailPercent: Fixed | null;
  declare readonly extendedHours: boolean;
  declare readonly positionIntent: PositionIntent;
  /** Buying power this order holds while open (exposure-increasing orders only). */
  declare readonly reservedNotional: Fixed;
  declare status: OrderStatus;
  declare filledQty: Fixed;
  /** Σ price × qty of the executions at scale 1e-18, so the average price is exact. */
  declare filledValueRaw: bigint;
  /** High-water mark of a trailing stop (low-water mark for a buy). */
  declare hwm: Fixed | null;
  /** A stop, stop_limit or trailing_stop whose trigger has fired. */
  declare triggered: boolean;
  /** True once routed to the (simulated) venue: before that it cannot fill. */
  declare routed: boolean;
  declare readonly createdUs: number;
  declare updatedUs: number;
  declare readonly submittedUs: number;
  declare filledUs: number | null;
  declare expiredUs: number | null;
  declare canceledUs: number | null;
  declare failedUs: number | null;
  declare replacedUs: number | null;
  declare replacedBy: string | null;
  declare readonly replaces: string | null;
  declare readonly orderClass: OrderClass;
  /**
   * Every order of one bracket, oco or oto submission (and their replacements) carries the
   * parent's id; null for simple orders.
   */
  declare readonly groupId: string | null;
  /** The exit orders of a group that cancel each other (bracket exits, the oco pair); else null. */
  declare readonly ocoGroup: string | null;
  /** On a leg: its parent's id (it moves to the replacement when an oco parent is replaced). */
  declare parentId: string | null;
  /** On a parent: its legs, take-profit first, as Alpaca nests them. */
  declare legs: readonly SimOrder[];
  /** textKey of the id and of the client_order_id: what the engine's indexes know the order by. */
  declare readonly idKey: number;
  declare readonly clientOrderIdKey: number;
  /** The engine's open-order list (open-orders.ts): whether the order is on it, and its neighbours. */
  declare listedOpen: boolean;
  declare prevOpen: SimOrder | null;
  declare nextOpen: SimOrder | null;

  /**
   * `link`: a leg's or replacement's place in its group; without it, a new submission's own: its
   * class, grouped under itself unless simple.
   */
  constructor(
    id: string,
    seq: number,
    clientOrderId: string,
    request: SimOrderRequest,
    admission: Admission,
    nowUs: number,
    replaces: string | null,
    link: OrderLink | undefined,
  ) {
    const orderClass = link?.orderClass ?? request.orderClass ?? 'simple';
    this.id = id;
    this.seq = seq;
    this.clientOrderId = clientOrderId;
    this.symbol = admission.asset.symbol;
    this.assetId = admission.asset.id;
    this.assetClass = admission.asset.class;
    this.side = request.side;
    this.type = request.type;
    this.timeInForce = request.timeInForce;
    this.qty = request.qty;
    this.notional = request.notional;
    this.limitPrice = request.limitPrice;
    this.limitFloat = request.limitPrice === null ? Number.NaN : fixedToNumber(request.limitPrice);
    this.stopPrice = request.stopPrice;
    this.trailPrice = request.trailPrice;
    this.trailPercent = request.trailPercent;
    this.extendedHours = request.extendedHours;
    this.positionIntent = admission.intent;
    this.reservedNotional = admission.reserved;
    this.status = link?.status ?? 'pending_new';
    this.filledQty = ZERO;
    this.filledValueRaw = 0n;
    this.hwm = null;
    this.triggered = false;
    this.routed = false;
    this.createdUs = nowUs;
    this.updatedUs = nowUs;
    this.submittedUs = nowUs;
    this.filledUs = null;
    this.expiredUs = null;
    this.canceledUs = null;
    this.failedUs = null;
    this.replacedUs = null;
    this.replacedBy = null;
    this.replaces = replaces;
    this.orderClass = orderClass;
    this.groupId = link !== undefined ? link.groupId : orderClass === 'simple' ? null : id;
    this.ocoGroup = link !== undefined ? link.ocoGroup : orderClass === 'oco' ? id : null;
    this.parentId = link !== undefined ? link.parentId : null;
    this.legs = NO_LEGS;
    // The client_order_id first: admission has just looked it up, and textKey remembers its key.
    const clientOrderIdKey = textKey(clientOrderId);
    this.idKey = textKey(id);
    this.clientOrderIdKey = clientOrderIdKey;
    this.listedOpen = false;
    this.prevOpen = null;
    this.nextOpen = null;
  }
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
