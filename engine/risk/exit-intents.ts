/**
 * Intents that close a position: stop exits and the kill switch's flattening. Market orders for
 * the whole open quantity, reduce-only by purpose, with an id derived from the position they close
 * so a repeated trigger or a retry can never produce a second order.
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
  nowMs: number,
): OrderIntent {
  const qty = position.qty;
  const crypto = isCryptoSymbol(position.symbol);
  return {
    intentId: `${RISK_STRATEGY_ID}:${purpose}:${position.symbol}:${position.openedAtMs}`,
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
