/**
 * The contract between the strategy host and a strategy. Strategies live in shared/ so that the
 * engine and the signal Lambda run the same code; they do no I/O and hand intents to the
 * context synchronously, so a quote can become an order request without waiting on anything.
 */
import type { Fixed } from '../domain/fixed.ts';
import type { Bar, Quote } from '../domain/market-data.ts';
import type { OrderIntent } from '../domain/order.ts';
import type { Signal } from '../signals/signal-message.ts';

export interface StrategyContext {
  /** Signed quantity held plus working entries, so a strategy does not re-enter while an order is live. */
  exposureQty(symbol: string): Fixed;
  /** Hands an intent to risk and execution. */
  submit(intent: OrderIntent): void;
  nowMs(): number;
}

export interface Strategy {
  readonly id: string;
  /** Symbols this strategy trades; the host routes only these to it. */
  readonly symbols: readonly string[];
  onBar?(bar: Bar, context: StrategyContext): void;
  onQuote?(quote: Quote, context: StrategyContext): void;
  /** A signal computed off the engine (the signal function) for this strategy and one of its symbols. */
  onSignal?(signal: Signal, context: StrategyContext): void;
}
