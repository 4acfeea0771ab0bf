/**
 * The stop-loss leg an entry carries when stops are held at the broker: stop_loss_pct away from
 * the price the entry is expected to fill at, on the losing side, on Alpaca's price grid (cents
 * from $1, hundredths of a cent below) and at least one cent from that price, which Alpaca
 * requires of a bracket's stop.
 */
import { type Fixed, percentOf } from '../../shared/domain/fixed.ts';
import type { OrderSide } from '../../shared/domain/order.ts';

const CENT = 10_000_000n;
const SUB_PENNY = 100_000n;
const ONE_DOLLAR = 1_000_000_000n;

/** Null when no positive stop price exists (a long entry priced under two cents). */
export function protectiveStopPrice(
  entrySide: OrderSide,
  basePrice: Fixed,
  stopLossPct: Fixed,
): Fixed | null {
  const distance = percentOf(basePrice, stopLossPct);
  if (entrySide === 'buy') {
    const raw = basePrice - distance;
    const tick = raw >= ONE_DOLLAR ? CENT : SUB_PENNY;
    const onGrid = raw - (((raw % tick) + tick) % tick);
    const stop = onGrid < basePrice - CENT ? onGrid : basePrice - CENT;
    return stop > 0n ? (stop as Fixed) : null;
  }
  const raw = basePrice + distance;
  const tick = raw >= ONE_DOLLAR ? CENT : SUB_PENNY;
  const remainder = raw % tick;
  const onGrid = remainder === 0n ? raw : raw - remainder + tick;
  return (onGrid > basePrice + CENT ? onGrid : basePrice + CENT) as Fixed;
}
