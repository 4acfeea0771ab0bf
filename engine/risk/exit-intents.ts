/**
 * Intents that close a position, which the risk-action executor sends for stop exits and the kill
 * switch: market orders for the quantity to close, reduce-only by purpose, under an id the caller
 * derives from what it closes, so a retry can never produce a second order.
 */
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { IntentPurpose, OrderIntent } from '../../shared/domain/order.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';

/** The strategy id risk's own intents carry. */
export const RISK_STRATEGY_ID = 'risk';

export interface ClosingOrder {
  readonly symbol: string;
  /** The signed position to close. */
  readonly positionQty: Fixed;
  readonly purpose: Exclude<IntentPurpose, 'entry'>;
  readonly referencePrice: Fixed;
  readonly intentId: string;
  readonly nowMs: number;
}

/** A market order for the whole position, on the side that closes it. */
export function closingIntent(order: ClosingOrder): OrderIntent {
  const { symbol, positionQty } = order;
  const crypto = isCryptoSymbol(symbol);
  return {
    intentId: order.intentId,
    strategyId: RISK_STRATEGY_ID,
    symbol,
    assetClass: crypto ? 'crypto' : 'us_equity',
    side: positionQty > 0n ? 'sell' : 'buy',
    qty: (positionQty < 0n ? -positionQty : positionQty) as Fixed,
    type: 'market',
    // Alpaca takes crypto market orders as gtc or ioc only.
    timeInForce: crypto ? 'gtc' : 'day',
    referencePrice: order.referencePrice,
    purpose: order.purpose,
    createdAtMs: order.nowMs,
  };
}
