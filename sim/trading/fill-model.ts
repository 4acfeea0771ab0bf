/**
 * How one working order meets one quote: stop and trailing-stop triggers, the price a taker gets
 * (touch plus slippage, capped by a limit), and how much of the shown size it can take.
 * Triggers use the quote, not the last trade: a buy stop fires when the ask reaches the stop, a
 * sell stop when the bid does. Pure apart from updating the order's trigger state.
 */

import { equityTick, type SlippageModel, slippedPrice } from '../../shared/broker/alpaca/slippage-model.ts';
import { divRoundHalfEven, type Fixed, max, min, percentOf, SCALE, ZERO } from '../../shared/domain/fixed.ts';
import type { SimOrder } from './sim-order.ts';

export interface Touch {
  readonly price: Fixed;
  /** Size still available at this quote after earlier fills took from it. */
  readonly available: Fixed;
  /** Size the quote showed. */
  readonly displayed: Fixed;
}

export interface Execution {
  readonly qty: Fixed;
  readonly price: Fixed;
  /** The price before slippage (the touch, the auction midpoint, the bar rule's price). */
  readonly unslipped: Fixed;
  /** True when this execution completes the order. */
  readonly completes: boolean;
}

function roundDownToTick(price: Fixed, tick: Fixed): Fixed {
  return ((price / tick) * tick) as Fixed;
}

function roundUpToTick(price: Fixed, tick: Fixed): Fixed {
  return (((price + tick - 1n) / tick) * tick) as Fixed;
}

/**
 * Advances a stop's trigger state against the touch and reports whether the order may execute
 * now (non-stop orders always may). A trailing stop moves its stop price with the high-water
 * mark (low-water mark for a buy) until it triggers.
 */
export function updateTrigger(order: SimOrder, bid: Fixed, ask: Fixed): boolean {
  if (order.triggered || order.type === 'market' || order.type === 'limit') return true;
  const reference = order.side === 'buy' ? ask : bid;
  if (order.type === 'trailing_stop') {
    const hwm = order.hwm;
    order.hwm = hwm === null ? reference : order.side === 'sell' ? max(reference, hwm) : min(reference, hwm);
    const tick = equityTick(order.hwm);
    const offset = order.trailPrice ?? percentOf(order.hwm, order.trailPercent ?? ZERO);
    order.stopPrice =
      order.side === 'sell'
        ? roundDownToTick((order.hwm - offset) as Fixed, tick)
        : roundUpToTick((order.hwm + offset) as Fixed, tick);
  }
  const stop = order.stopPrice!;
  if (order.side === 'buy' ? reference >= stop : reference <= stop) order.triggered = true;
  return order.triggered;
}

/** The limit an order executes under once active: limit and triggered stop_limit orders only. */
function effectiveLimit(order: SimOrder): Fixed | null {
  return order.type === 'limit' || order.type === 'stop_limit' ? order.limitPrice : null;
}

/** Whether a touch price satisfies the order's limit, if it has one. */
export function priceAcceptable(order: SimOrder, touchPrice: Fixed): boolean {
  const limit = effectiveLimit(order);
  if (limit === null) return true;
  return order.side === 'buy' ? touchPrice <= limit : touchPrice >= limit;
}

/** Quantity still to fill at a price: for notional orders, what the remaining dollars buy. */
export function remainingQtyAt(order: SimOrder, price: Fixed): Fixed {
  if (order.qty !== null) return (order.qty - order.filledQty) as Fixed;
  const spentRaw = order.filledValueRaw;
  const remainingRaw = order.notional! * SCALE - spentRaw;
  if (remainingRaw <= 0n || price <= 0n) return ZERO;
  return (remainingRaw / price) as Fixed;
}

/**
 * The execution a taker order gets against a touch, or undefined when none: the limit is not
 * met, or nothing is left at the quote. `allOrNone` (fok) refuses a partial execution.
 */
export function takerExecution(
  order: SimOrder,
  touch: Touch,
  slippage: SlippageModel,
  allOrNone: boolean,
): Execution | undefined {
  if (touch.price <= 0n || !priceAcceptable(order, touch.price)) return undefined;
  const wanted = remainingQtyAt(order, touch.price);
  if (wanted <= 0n) return undefined;
  const qty = min(wanted, touch.available);
  if (qty <= 0n || (allOrNone && qty < wanted)) return undefined;
  let price = slippedPrice(slippage, order.side, touch.price, qty, touch.displayed, equityTick(touch.price));
  const limit = effectiveLimit(order);
  if (limit !== null) price = order.side === 'buy' ? min(price, limit) : max(price, limit);
  return { qty, price, unslipped: touch.price, completes: qty === wanted };
}

/** An auction execution (opg/cls): the whole order at the quote's midpoint, if its limit allows. */
export function auctionExecution(order: SimOrder, bid: Fixed, ask: Fixed): Execution | undefined {
  if (bid <= 0n || ask <= 0n) return undefined;
  const mid = roundDownToTick(divRoundHalfEven(bid + ask, 2n) as Fixed, equityTick(bid));
  if (!priceAcceptable(order, mid)) return undefined;
  const qty = remainingQtyAt(order, mid);
  return qty > 0n ? { qty, price: mid, unslipped: mid, completes: true } : undefined;
}

/** Average fill price of an order, exact to 1e-9. */
export function averageFillPrice(order: SimOrder): Fixed | null {
  const qty = order.filledQty;
  if (qty === 0n) return null;
  // One price, or several whose average is a whole unit (the usual case): exact, nothing to round.
  const quotient = order.filledValueRaw / qty;
  if (quotient * qty === order.filledValueRaw) return quotient as Fixed;
  return divRoundHalfEven(order.filledValueRaw, qty) as Fixed;
}
