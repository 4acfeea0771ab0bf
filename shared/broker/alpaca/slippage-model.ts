/**
 * How far a taker fill lands from the touch. One shape for the simulator's matching engine and,
 * later, the engine's backtest fill estimates, so a configured model means the same thing in both.
 *
 * adverse move in basis points = fixedBps + sizeImpactBps × (fill qty ÷ displayed size at the touch)
 *
 * so fixedBps models the spread-crossing cost everyone pays and sizeImpactBps the extra a fill
 * pays for eating a larger share of what is shown. The moved price is rounded away from the
 * taker to the venue's tick (cents at or above $1, 1/100 cent below), never inside the touch.
 */
import { z } from 'zod';
import { type Fixed, fixedFromNumber, mul, SCALE } from '../../domain/fixed.ts';

export const slippageModelSchema = z
  .object({
    fixedBps: z.number().min(0).max(10_000).default(0),
    sizeImpactBps: z.number().min(0).max(10_000).default(0),
  })
  .strict();

export type SlippageModel = z.infer<typeof slippageModelSchema>;

const BPS_SCALE = 10_000n;
const CENT = (SCALE / 100n) as Fixed;
const HUNDREDTH_CENT = (SCALE / 10_000n) as Fixed;

/** The tick for a US equity price: $0.01 at or above $1, $0.0001 below (Reg NMS sub-penny rule). */
export function equityTick(price: Fixed): Fixed {
  return price >= SCALE ? CENT : HUNDREDTH_CENT;
}

/**
 * The price a taker pays (buy) or receives (sell) for `fillQty` against a touch showing
 * `displayedQty`. Pure; exact on Fixed apart from the model's own float inputs.
 */
export function slippedPrice(
  model: SlippageModel,
  side: 'buy' | 'sell',
  touch: Fixed,
  fillQty: Fixed,
  displayedQty: Fixed,
  tick: Fixed,
): Fixed {
  // The simulator's default model costs nothing: no share of the displayed size to work out.
  if (model.fixedBps <= 0 && model.sizeImpactBps <= 0) return touch;
  const sizeShare = displayedQty > 0n ? Number(fillQty) / Number(displayedQty) : 1;
  const bps = model.fixedBps + model.sizeImpactBps * Math.min(sizeShare, 1);
  if (bps <= 0) return touch;
  const move = mul(touch, fixedFromNumber(bps / Number(BPS_SCALE)));
  if (side === 'buy') {
    const raw = touch + move;
    return (((raw + tick - 1n) / tick) * tick) as Fixed;
  }
  const raw = touch - move;
  const floored = (raw / tick) * tick;
  return (floored > 0n ? floored : tick) as Fixed;
}
