/**
 * Routes market data to the strategies that trade each symbol and contains their failures: a
 * strategy that throws is disabled and reported, never allowed to take the engine down or to
 * keep trading on state it may have corrupted. Re-enabling is an operator decision.
 */
import type { Bar, Quote } from '../../shared/domain/market-data.ts';
import type { Strategy, StrategyContext } from '../../shared/strategies/strategy.ts';

export interface StrategyFailure {
  readonly strategyId: string;
  readonly error: unknown;
}

export class StrategyHost {
  readonly #bySymbol = new Map<string, Strategy[]>();
  readonly #disabled = new Set<string>();
  readonly #ids: ReadonlySet<string>;
  readonly #context: StrategyContext;
  readonly #onFailure: (failure: StrategyFailure) => void;
  failures = 0;

  constructor(
    strategies: readonly Strategy[],
    context: StrategyContext,
    onFailure: (failure: StrategyFailure) => void,
  ) {
    const ids = new Set<string>();
    for (const strategy of strategies) {
      if (ids.has(strategy.id)) throw new Error(`two strategies share the id ${strategy.id}`);
      ids.add(strategy.id);
      for (const symbol of strategy.symbols) {
        const list = this.#bySymbol.get(symbol);
        if (list === undefined) this.#bySymbol.set(symbol, [strategy]);
        else list.push(strategy);
      }
    }
    this.#ids = ids;
    this.#context = context;
    this.#onFailure = onFailure;
  }

  onQuote(quote: Quote): void {
    const strategies = this.#bySymbol.get(quote.symbol);
    if (strategies === undefined) return;
    for (let i = 0; i < strategies.length; i++) {
      const strategy = strategies[i]!;
      if (strategy.onQuote === undefined || this.#disabled.has(strategy.id)) continue;
      try {
        strategy.onQuote(quote, this.#context);
      } catch (error) {
        this.#fail(strategy, error);
      }
    }
  }

  onBar(bar: Bar): void {
    const strategies = this.#bySymbol.get(bar.symbol);
    if (strategies === undefined) return;
    for (const strategy of strategies) {
      if (strategy.onBar === undefined || this.#disabled.has(strategy.id)) continue;
      try {
        strategy.onBar(bar, this.#context);
      } catch (error) {
        this.#fail(strategy, error);
      }
    }
  }

  has(strategyId: string): boolean {
    return this.#ids.has(strategyId);
  }

  isEnabled(strategyId: string): boolean {
    return !this.#disabled.has(strategyId);
  }

  /** Operator action: a strategy disabled after a failure trades again. */
  enable(strategyId: string): void {
    this.#disabled.delete(strategyId);
  }

  disable(strategyId: string): void {
    this.#disabled.add(strategyId);
  }

  #fail(strategy: Strategy, error: unknown): void {
    this.failures++;
    this.#disabled.add(strategy.id);
    this.#onFailure({ strategyId: strategy.id, error });
  }
}
