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

export function exitIntent(
  position: SymbolExposure,
  purpose: Exclude<IntentPurpose, 'entry'>,
  referencePrice: number,
  attempt: number,
  nowMs: number,
): OrderIntent {
  const qty = position.qty;
  const crypto = isCryptoSymbol(position.symbol);
  return {
    intentId: `${RISK_STRATEGY_ID}:${purpose}:${position.symbol}:${position.openedAtMs}:${attempt}`,
    strategyId: RISK_STRATEGY_ID,
    symbol: position.symbol,
    assetClass: crypto ? 'crypto' : 'us_equity',
    side: qty > 0n ? 'sell' : 'buy',
    qty: (qty < 0n ? -qty : qty) as Fixed,
    type: 'market',
    // Alpaca takes crypto market orders as gtc or ioc only.
    timeInForce: crypto ? 'gtc' : 'day',
    referencePrice:
      Number.isFinite(referencePrice) && referencePrice > 0
        ? fixedFromNumber(referencePrice)
        : position.position.avgEntryPrice,
    purpose,
    createdAtMs: nowMs,
  };
}
