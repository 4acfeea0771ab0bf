/**
 * Intents that close a position: stop exits and the kill switch's flattening. Market orders for
 * the whole open quantity, reduce-only by purpose, with an id derived from the position they close
 * and the attempt, so a retry of one attempt can never produce a second order while a new attempt
 * (after a refusal) is a new intent.
 */
import { type Fixed, fixedFromNumber } from '../../shared/domain/fixed.ts';
import type { IntentPurpose, OrderIntent } from '../../shared/domain/order.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { SymbolExposure } from './exposure-ledger.ts';

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

export function exitIntent(
  position: SymbolExposure,
  purpose: Exclude<IntentPurpose, 'entry'>,
  referencePrice: number,
  attempt: number,
  nowMs: number,
): OrderIntent {
  return closingIntent({
    symbol: position.symbol,
    positionQty: position.qty,
    purpose,
    referencePrice:
      Number.isFinite(referencePrice) && referencePrice > 0
        ? fixedFromNumber(referencePrice)
        : position.position.avgEntryPrice,
    intentId: `${RISK_STRATEGY_ID}:${purpose}:${position.symbol}:${position.openedAtMs}:${attempt}`,
    nowMs,
  });
}
