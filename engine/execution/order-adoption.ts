/**
 * A working order this process did not send (one of ours from before a restart, or placed
 * elsewhere) is adopted: risk counts it as if filled from now on, so nothing trades against it
 * unseen. engine/trading-engine.ts adopts what the broker reports; simtest's engines do the same.
 */
import { type Fixed, sub, ZERO } from '../../shared/domain/fixed.ts';
import { isTerminalStatus, type OrderIntent } from '../../shared/domain/order.ts';
import type { VenueOrder } from '../../shared/venue/venue-types.ts';
import type { OrderTracker } from './order-tracker.ts';

/**
 * Whether a reported order needs adopting: working, not sent by this process, not yet counted.
 * `isFinal` is the engine's own view before this report: a report older than it (a late event of
 * an order a reconciliation already found filled) adopts nothing, or risk would count a working
 * order that never ends — one that blocks every exit in its symbol as a self-match (simtest seed
 * 1173).
 */
export function needsAdoption(
  order: VenueOrder,
  intent: OrderIntent | undefined,
  isTracking: (clientOrderId: string) => boolean,
  isFinal: (clientOrderId: string) => boolean,
): boolean {
  return (
    intent === undefined &&
    !isTerminalStatus(order.status) &&
    !isFinal(order.clientOrderId) &&
    !isTracking(order.clientOrderId)
  );
}

/**
 * What risk needs to count a working order it did not approve itself, adopted from a report the
 * tracker has not folded in yet. Risk's count of an order goes down with each fill booked into the
 * position book, so it starts from what this process has not booked of it, not from what the venue
 * has left: a restart's reconciliation books the order's earlier fills just after adopting it, and
 * counting them out twice left risk short of the order's unfilled rest (found by simtest seeds
 * 916, 1810, 1858, 2324, 3559 and 6115).
 */
export function adoptedOrderIntent(
  order: VenueOrder,
  tracker: Pick<OrderTracker, 'get'>,
  nowMs: number,
): OrderIntent {
  const price = order.limitPrice ?? order.stopPrice ?? order.filledAvgPrice;
  return {
    intentId: `adopted:${order.clientOrderId}`,
    strategyId: 'adopted',
    symbol: order.symbol,
    assetClass: order.assetClass,
    side: order.side,
    qty: sub(order.qty, tracker.get(order.clientOrderId)?.bookedQty ?? ZERO),
    type: order.type,
    timeInForce: order.timeInForce,
    ...(order.limitPrice === null ? {} : { limitPrice: order.limitPrice }),
    ...(order.stopPrice === null ? {} : { stopPrice: order.stopPrice }),
    referencePrice: (price ?? 0n) as Fixed,
    purpose: 'operator',
    createdAtMs: nowMs,
  };
}
