import { add, type Fixed, neg, ZERO } from '../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import type { StrategyContext } from '../../shared/strategies/strategy.ts';

/** A strategy context that records intents and treats each as filled at once. */
export function recordingContext(): StrategyContext & { intents: OrderIntent[]; held: Map<string, Fixed> } {
  const intents: OrderIntent[] = [];
  const held = new Map<string, Fixed>();
  return {
    intents,
    held,
    exposureQty: (symbol) => held.get(symbol) ?? ZERO,
    submit: (intent) => {
      intents.push(intent);
      const signed = intent.side === 'buy' ? intent.qty : neg(intent.qty);
      held.set(intent.symbol, add(held.get(intent.symbol) ?? ZERO, signed));
    },
    nowMs: () => 1_800_000_000_000,
  };
}
