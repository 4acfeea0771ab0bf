/** The market order a bar strategy submits when it decides on a bar's close. */
import { type Fixed, fixedFromNumber } from '../domain/fixed.ts';
import type { Bar } from '../domain/market-data.ts';
import type { IntentPurpose, OrderSide } from '../domain/order.ts';
import { isCryptoSymbol } from '../domain/symbol.ts';
import type { StrategyContext } from './strategy.ts';

/** The bar a decision was made on: a closed bar, or the bar a signal names. */
export type DecisionBar = Pick<Bar, 'symbol' | 'startUs' | 'close'>;

export function submitBarOrder(
  strategyId: string,
  bar: DecisionBar,
  side: OrderSide,
  qty: Fixed,
  purpose: IntentPurpose,
  context: StrategyContext,
): void {
  const crypto = isCryptoSymbol(bar.symbol);
  context.submit({
    // The bar and side identify the decision, so a restart that replays the bar cannot duplicate it.
    intentId: `${strategyId}:${bar.symbol}:${bar.startUs}:${side}`,
    strategyId,
    symbol: bar.symbol,
    assetClass: crypto ? 'crypto' : 'us_equity',
    side,
    qty,
    type: 'market',
    timeInForce: crypto ? 'gtc' : 'day',
    referencePrice: fixedFromNumber(bar.close),
    purpose,
    createdAtMs: context.nowMs(),
  });
}
