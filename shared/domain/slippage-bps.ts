/**
 * Slippage of a fill against the price the decision was made on, in basis points, signed so that
 * positive is worse for us (paid more on a buy, received less on a sell). One definition for the
 * engine's live histogram and the post-market report's statistics.
 */
import type { Fill } from './fill.ts';
import { type Fixed, fixedToNumber } from './fixed.ts';
import type { OrderSide } from './order.ts';

export function slippageBps(side: OrderSide, referencePrice: Fixed, fillPrice: Fixed): number {
  if (referencePrice <= 0n) return 0;
  // Exact difference, then one division in float: 1e-4 bp resolution is plenty for statistics.
  const signedDifference = side === 'buy' ? fillPrice - referencePrice : referencePrice - fillPrice;
  return (fixedToNumber(signedDifference as Fixed) / fixedToNumber(referencePrice)) * 10_000;
}

/** One fill's slippage, with what it was measured from. */
export interface SlippageMeasurement {
  readonly executionId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly referencePrice: Fixed;
  readonly fillPrice: Fixed;
  readonly bps: number;
}

export function measureSlippage(fill: Fill, referencePrice: Fixed): SlippageMeasurement {
  return {
    executionId: fill.executionId,
    clientOrderId: fill.clientOrderId,
    symbol: fill.symbol,
    side: fill.side,
    referencePrice,
    fillPrice: fill.price,
    bps: slippageBps(fill.side, referencePrice, fill.price),
  };
}
