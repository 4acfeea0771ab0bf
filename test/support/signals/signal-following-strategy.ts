/**
 * Test double of a signal-driven strategy: long means hold `qty`, short or flat means hold
 * nothing (it never sells short). A signal that changes the target becomes one market order whose
 * intent id is the signal's id, so a test can find the very order a signal caused at the venue.
 * It keeps every signal it was handed.
 */
import { fixedFromNumber, parseFixed } from '../../../shared/domain/fixed.ts';
import { isCryptoSymbol } from '../../../shared/domain/symbol.ts';
import type { Signal } from '../../../shared/signals/signal-message.ts';
import type { Strategy, StrategyContext } from '../../../shared/strategies/strategy.ts';

export function signalFollowingStrategy(options: {
  id: string;
  symbols: readonly string[];
  qty?: string;
}): Strategy & { readonly signals: Signal[] } {
  const signals: Signal[] = [];
  const qty = parseFixed(options.qty ?? '1');
  return {
    id: options.id,
    symbols: options.symbols,
    signals,
    onSignal(signal: Signal, context: StrategyContext): void {
      signals.push(signal);
      const held = context.exposureQty(signal.symbol);
      const buy = signal.direction === 'long';
      if (buy ? held > 0n : held <= 0n) return;
      context.submit({
        intentId: signal.signalId,
        strategyId: options.id,
        symbol: signal.symbol,
        assetClass: isCryptoSymbol(signal.symbol) ? 'crypto' : 'us_equity',
        side: buy ? 'buy' : 'sell',
        qty: buy ? qty : held,
        type: 'market',
        timeInForce: isCryptoSymbol(signal.symbol) ? 'gtc' : 'day',
        referencePrice: fixedFromNumber(signal.referencePrice),
        purpose: buy ? 'entry' : 'exit',
        createdAtMs: context.nowMs(),
      });
    },
  };
}
