/**
 * What a strategy counts as its exposure to a symbol before it enters again: the position plus
 * the unfilled part of working orders, signed. A protective stop held at the broker is left out:
 * it closes the position only if the price goes against it.
 */
import { add, type Fixed, neg } from '../../shared/domain/fixed.ts';
import type { OrderTracker } from '../execution/order-tracker.ts';

export function strategyExposureQty(
  symbol: string,
  positionQty: Fixed,
  tracker: OrderTracker,
  isProtective: (clientOrderId: string) => boolean,
): Fixed {
  let qty = positionQty;
  for (const order of tracker.openOrders()) {
    if (order.symbol !== symbol || isProtective(order.clientOrderId)) continue;
    const remaining = order.remainingQty;
    qty = add(qty, order.side === 'buy' ? remaining : neg(remaining));
  }
  return qty;
}
