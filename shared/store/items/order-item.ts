import { z } from 'zod';
import type { Fixed } from '../../domain/fixed.ts';
import {
  isTerminalStatus,
  ORDER_SIDES,
  ORDER_STATUSES,
  ORDER_TYPES,
  type Order,
  TIME_IN_FORCE,
} from '../../domain/order.ts';
import {
  epochMs,
  fixedText,
  fixedToText,
  header,
  type ItemKind,
  nullableFixedText,
  nullableFixedToText,
} from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

export const ORDER_ORIGINS = ['engine', 'external'] as const;
export type OrderOrigin = (typeof ORDER_ORIGINS)[number];

/**
 * An order as persisted. Keyed by client_order_id because the engine records an order before the
 * broker has assigned its id; `id` is null until the broker answers.
 */
export interface StoredOrder extends Omit<Order, 'id'> {
  readonly id: string | null;
  /** external: found at the broker during reconciliation, never sent by this engine. */
  readonly origin: OrderOrigin;
  readonly intentId: string | null;
  readonly strategyId: string | null;
  /** The lease fencing token under which the engine sent it; null for external orders. */
  readonly fencingToken: number | null;
  /**
   * The price the decision was made on (the intent's), which fills are measured against for
   * slippage; null for external orders and for orders recorded before it was kept.
   */
  readonly referencePrice: Fixed | null;
}

export interface OrderProvenance {
  readonly origin: OrderOrigin;
  readonly intentId: string | null;
  readonly strategyId: string | null;
  readonly fencingToken: number | null;
  readonly referencePrice: Fixed | null;
}

/** A broker order (or the engine's view of one) as persisted, with where it came from. */
export function storedOrderFrom(order: Order, provenance: OrderProvenance): StoredOrder {
  return {
    id: order.id,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    assetClass: order.assetClass,
    side: order.side,
    type: order.type,
    timeInForce: order.timeInForce,
    qty: order.qty,
    filledQty: order.filledQty,
    filledAvgPrice: order.filledAvgPrice,
    limitPrice: order.limitPrice,
    stopPrice: order.stopPrice,
    trailPercent: order.trailPercent,
    trailPrice: order.trailPrice,
    status: order.status,
    extendedHours: order.extendedHours,
    createdAtMs: order.createdAtMs,
    updatedAtMs: order.updatedAtMs,
    replacedBy: order.replacedBy,
    replaces: order.replaces,
    ...provenance,
  };
}

export function orderPartition(account: string): string {
  return `${account}#order`;
}

/** The working-orders index partition: one per account, holding only orders that can still fill. */
export function workingOrdersPartition(account: string): string {
  return account;
}

const schema = z.object({
  clientOrderId: z.string().min(1),
  id: z.string().min(1).nullable(),
  symbol: z.string().min(1),
  assetClass: z.enum(['us_equity', 'crypto']),
  side: z.enum(ORDER_SIDES),
  orderType: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE),
  qty: fixedText,
  filledQty: fixedText,
  filledAvgPrice: nullableFixedText,
  limitPrice: nullableFixedText,
  stopPrice: nullableFixedText,
  trailPercent: nullableFixedText,
  trailPrice: nullableFixedText,
  status: z.enum(ORDER_STATUSES),
  extendedHours: z.boolean(),
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
  replacedBy: z.string().nullable(),
  replaces: z.string().nullable(),
  origin: z.enum(ORDER_ORIGINS),
  intentId: z.string().nullable(),
  strategyId: z.string().nullable(),
  fencingToken: z.number().int().positive().nullable(),
  // Added to version 1 without a bump: items written before it lack it and read as null, and a
  // reader from before it ignores it, so old and new readers and items all still agree.
  referencePrice: nullableFixedText.optional(),
});

export const ORDER_ITEM: ItemKind<StoredOrder> = {
  type: 'order',
  version: 1,
  // The item's `type` attribute names the item kind, so the order's type is stored as orderType.
  schema: schema.transform(
    ({ orderType, referencePrice, ...rest }): StoredOrder => ({
      ...rest,
      type: orderType,
      referencePrice: referencePrice ?? null,
    }),
  ),
  primaryKey(account, order) {
    return {
      [STATE_KEYS.partition]: orderPartition(account),
      [STATE_KEYS.sort]: order.clientOrderId,
    };
  },
  encode(account, order) {
    return {
      ...ORDER_ITEM.primaryKey(account, order),
      ...(isTerminalStatus(order.status)
        ? {}
        : { [STATE_KEYS.workingPartition]: workingOrdersPartition(account) }),
      ...header(ORDER_ITEM),
      clientOrderId: order.clientOrderId,
      id: order.id,
      symbol: order.symbol,
      assetClass: order.assetClass,
      side: order.side,
      orderType: order.type,
      timeInForce: order.timeInForce,
      qty: fixedToText(order.qty),
      filledQty: fixedToText(order.filledQty),
      filledAvgPrice: nullableFixedToText(order.filledAvgPrice),
      limitPrice: nullableFixedToText(order.limitPrice),
      stopPrice: nullableFixedToText(order.stopPrice),
      trailPercent: nullableFixedToText(order.trailPercent),
      trailPrice: nullableFixedToText(order.trailPrice),
      status: order.status,
      extendedHours: order.extendedHours,
      createdAtMs: order.createdAtMs,
      updatedAtMs: order.updatedAtMs,
      replacedBy: order.replacedBy,
      replaces: order.replaces,
      origin: order.origin,
      intentId: order.intentId,
      strategyId: order.strategyId,
      fencingToken: order.fencingToken,
      referencePrice: nullableFixedToText(order.referencePrice),
    };
  },
};
