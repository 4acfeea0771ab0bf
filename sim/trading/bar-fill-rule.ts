/**
 * How a working order meets one bar when the venue is driven by bars instead of quotes (the
 * backtest). Only the bar's open, high, low and volume are known, not the path between them, so
 * the rule is written to be reproducible by anyone with the same bars:
 *
 * - market: the whole order at the open, plus slippage.
 * - limit: buy when open ≤ limit, at the open plus slippage (never above the limit): the order met
 *   a price at or through it the moment it arrived or the bar gapped through it; else when
 *   low ≤ limit, at the limit, with no slippage (a resting order is the maker). Sells mirror it.
 * - stop: buy when open ≥ stop, at the open; else when high ≥ stop, at the stop; either plus
 *   slippage, since a triggered stop is a market order. Sells mirror it (open ≤ stop, low ≤ stop).
 * - stop_limit: triggers as a stop does, at the open or the stop; fills there (plus slippage, never
 *   beyond the limit) when that price satisfies the limit; else it stays triggered and works as a
 *   limit order from the next bar on.
 * - trailing_stop: its stop trails the best price of the bars before this one (a sell's highest
 *   high, a buy's lowest low, starting from the open of the first bar it meets) by trail_price or
 *   trail_percent; it triggers and fills as a stop does against this bar, then takes in this
 *   bar's high (low) if it did not trigger.
 *
 * An execution is always the order's whole remaining quantity. Slippage is the venue's slippage
 * model (shared/broker/alpaca/slippage-model.ts) with the bar's volume as the size displayed: a
 * fixed adverse move in basis points plus an impact that grows with the share of the bar's volume
 * taken. Pure apart from the order's trigger state (triggered, hwm, stopPrice).
 */
import { equityTick, type SlippageModel, slippedPrice } from '../../shared/broker/alpaca/slippage-model.ts';
import { type Fixed, max, min, percentOf, ZERO } from '../../shared/domain/fixed.ts';
import { type Execution, remainingQtyAt } from './fill-model.ts';
import type { SimOrder } from './sim-order.ts';

export interface BarRange {
  readonly open: Fixed;
  readonly high: Fixed;
  readonly low: Fixed;
  readonly volume: Fixed;
}

/** The execution an order gets from this bar, or undefined when the bar does not reach it. */
export function barExecution(order: SimOrder, bar: BarRange, slippage: SlippageModel): Execution | undefined {
  switch (order.type) {
    case 'market':
      return taker(order, bar, bar.open, null, slippage);
    case 'limit':
      return limitExecution(order, bar, order.limitPrice!, slippage);
    case 'stop':
      return stopExecution(order, bar, order.stopPrice!, null, slippage);
    case 'stop_limit':
      if (order.triggered) return limitExecution(order, bar, order.limitPrice!, slippage);
      return stopExecution(order, bar, order.stopPrice!, order.limitPrice, slippage);
    case 'trailing_stop':
      return trailingExecution(order, bar, slippage);
    default:
      return undefined;
  }
}

function limitExecution(
  order: SimOrder,
  bar: BarRange,
  limit: Fixed,
  slippage: SlippageModel,
): Execution | undefined {
  const buy = order.side === 'buy';
  if (buy ? bar.open <= limit : bar.open >= limit) return taker(order, bar, bar.open, limit, slippage);
  if (buy ? bar.low <= limit : bar.high >= limit) return whole(order, limit, limit);
  return undefined;
}

/** `limit`: a stop_limit's limit, which the triggered price must satisfy to fill in this bar. */
function stopExecution(
  order: SimOrder,
  bar: BarRange,
  stop: Fixed,
  limit: Fixed | null,
  slippage: SlippageModel,
): Execution | undefined {
  const buy = order.side === 'buy';
  let triggeredAt: Fixed;
  if (buy ? bar.open >= stop : bar.open <= stop) triggeredAt = bar.open;
  else if (buy ? bar.high >= stop : bar.low <= stop) triggeredAt = stop;
  else return undefined;
  order.triggered = true;
  if (limit !== null && (buy ? triggeredAt > limit : triggeredAt < limit)) return undefined;
  return taker(order, bar, triggeredAt, limit, slippage);
}

function trailingExecution(order: SimOrder, bar: BarRange, slippage: SlippageModel): Execution | undefined {
  const sell = order.side === 'sell';
  const best = order.hwm ?? bar.open;
  const offset = order.trailPrice ?? percentOf(best, order.trailPercent ?? ZERO);
  const stop = (sell ? best - offset : best + offset) as Fixed;
  order.stopPrice = stop;
  const execution = stopExecution(order, bar, stop, null, slippage);
  if (execution === undefined) order.hwm = sell ? max(best, bar.high) : min(best, bar.low);
  return execution;
}

/** A taker's execution at `price` plus slippage, kept within `limit` when there is one. */
function taker(
  order: SimOrder,
  bar: BarRange,
  price: Fixed,
  limit: Fixed | null,
  slippage: SlippageModel,
): Execution | undefined {
  const qty = remainingQtyAt(order, price);
  if (qty <= 0n || price <= 0n) return undefined;
  let slipped = slippedPrice(slippage, order.side, price, qty, bar.volume, equityTick(price));
  if (limit !== null) slipped = order.side === 'buy' ? min(slipped, limit) : max(slipped, limit);
  return { qty, price: slipped, unslipped: price, completes: true };
}

function whole(order: SimOrder, price: Fixed, unslipped: Fixed): Execution | undefined {
  const qty = remainingQtyAt(order, price);
  return qty > 0n ? { qty, price, unslipped, completes: true } : undefined;
}
