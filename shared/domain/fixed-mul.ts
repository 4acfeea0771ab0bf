/**
 * mul (shared/domain/fixed.ts) with a fast path for the simulator's hot path: a product that is
 * a whole number of units (shares × a price, the usual case) needs no rounding, so it skips the
 * half-even division's extra bigint work. The result is mul's, always.
 */
import { type Fixed, mul, SCALE } from './fixed.ts';

export function mulFixed(a: Fixed, b: Fixed): Fixed {
  const raw = a * b;
  return raw % SCALE === 0n ? ((raw / SCALE) as Fixed) : mul(a, b);
}
