/**
 * How a signal becomes an order: its direction and strength give a target position (strength ×
 * the largest position the strategy may hold), and the order is the difference from what is held
 * or working now. A difference smaller than `rebalanceFraction` of the largest position is left
 * alone, so a score wobbling about a threshold does not trade every minute; going flat always
 * trades. A position is never flipped in one order: a long facing a short target is closed
 * first (reduce-only, so risk lets it through even when entries are blocked) and the next signal
 * opens the other side.
 */
import { abs, type Fixed, fixedFromNumber, fixedToNumber, neg, ZERO } from '../domain/fixed.ts';
import type { OrderSide } from '../domain/order.ts';
import { isCryptoSymbol } from '../domain/symbol.ts';
import type { SignalDirection } from '../signals/signal-message.ts';
import { quantityForNotional } from './order-sizing.ts';

export interface PositionTargetOptions {
  /** The largest position, in dollars at the signal's price. */
  readonly maxPositionNotional: Fixed;
  /** Alpaca does not short crypto, so a short signal on a crypto pair always means flat. */
  readonly allowShort: boolean;
  /** In (0, 1]: the smallest change of position worth an order, as a share of the largest. */
  readonly rebalanceFraction: number;
}

export interface TargetOrder {
  readonly side: OrderSide;
  readonly qty: Fixed;
  readonly purpose: 'entry' | 'exit';
}

/** The signed position a signal asks for, in whole shares (or crypto's step). */
export function targetQuantity(
  symbol: string,
  direction: SignalDirection,
  strength: number,
  price: number,
  options: PositionTargetOptions,
): Fixed {
  if (direction === 'flat' || strength <= 0) return ZERO;
  if (direction === 'short' && (!options.allowShort || isCryptoSymbol(symbol))) return ZERO;
  const notional = fixedFromNumber(fixedToNumber(options.maxPositionNotional) * Math.min(1, strength));
  const qty = quantityForNotional(symbol, notional, price);
  return direction === 'short' ? neg(qty) : qty;
}

/**
 * The order that moves `held` (signed: position plus working orders) toward `target`, or null
 * when none should be sent. `largest` is the unsigned quantity of the largest position.
 */
export function orderTowardTarget(
  held: Fixed,
  target: Fixed,
  largest: Fixed,
  rebalanceFraction: number,
): TargetOrder | null {
  if ((held > 0n && target < 0n) || (held < 0n && target > 0n)) return closing(held);
  if (target === ZERO) return held === ZERO ? null : closing(held);
  const change = (target - held) as Fixed;
  if (change === ZERO) return null;
  const threshold = (largest * BigInt(Math.round(rebalanceFraction * 10_000))) / 10_000n;
  if (abs(change) < threshold) return null;
  const side: OrderSide = change > 0n ? 'buy' : 'sell';
  // Moving toward zero reduces the position: an exit, which risk treats as reduce-only.
  const reduces = abs(target) < abs(held);
  return { side, qty: abs(change), purpose: reduces ? 'exit' : 'entry' };
}

function closing(held: Fixed): TargetOrder {
  return { side: held > 0n ? 'sell' : 'buy', qty: abs(held), purpose: 'exit' };
}
