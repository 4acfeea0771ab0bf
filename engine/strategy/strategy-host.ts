/**
 * Routes market data to the strategies that trade each symbol and contains their failures: a
 * strategy that throws is disabled and reported, never allowed to take the engine down or to
 * keep trading on state it may have corrupted. Re-enabling is an operator decision.
 */
import type { Bar, Quote } from '../../shared/domain/market-data.ts';
import type { Signal } from '../../shared/signals/signal-message.ts';
import type { Strategy, StrategyContext } from '../../shared/strategies/strategy.ts';

export interface StrategyFailure {
  readonly strategyId: string;
  readonly error: unknown;
}

/** A strategy with its slot in the host's disabled flags, so the per-quote check is an array read. */
interface Hosted {
  readonly strategy: Strategy;
  readonly slot: number;
}

export class StrategyHost {
  readonly #bySymbol = new Map<string, Hosted[]>();
  readonly #disabled = new Set<string>();
  readonly #slots = new Map<string, number>();
  readonly #byId = new Map<string, Hosted>();
  /** 1 where the strategy in that slot is disabled (mirrors #disabled for the hot path). */
  readonly #disabledSlots: Uint8Array;
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
    this.#disabledSlots = new Uint8Array(strategies.length);
    for (const strategy of strategies) {
      if (ids.has(strategy.id)) throw new Error(`two strategies share the id ${strategy.id}`);
      const hosted: Hosted = { strategy, slot: ids.size };
      this.#slots.set(strategy.id, hosted.slot);
      this.#byId.set(strategy.id, hosted);
      ids.add(strategy.id);
      for (const symbol of strategy.symbols) {
        const list = this.#bySymbol.get(symbol);
        if (list === undefined) this.#bySymbol.set(symbol, [hosted]);
        else list.push(hosted);
      }
    }
    this.#ids = ids;
    this.#context = context;
    this.#onFailure = onFailure;
  }

  onQuote(quote: Quote): void {
    const hosted = this.#bySymbol.get(quote.symbol);
    if (hosted === undefined) return;
    const disabled = this.#disabledSlots;
    for (let i = 0; i < hosted.length; i++) {
      const { strategy, slot } = hosted[i]!;
      if (strategy.onQuote === undefined || disabled[slot] === 1) continue;
      try {
        strategy.onQuote(quote, this.#context);
      } catch (error) {
        this.#fail(strategy, error);
      }
    }
  }

  onBar(bar: Bar): void {
    const hosted = this.#bySymbol.get(bar.symbol);
    if (hosted === undefined) return;
    for (const { strategy, slot } of hosted) {
      if (strategy.onBar === undefined || this.#disabledSlots[slot] === 1) continue;
      try {
        strategy.onBar(bar, this.#context);
      } catch (error) {
        this.#fail(strategy, error);
      }
    }
  }

  /**
   * Hands a signal to the strategy it names, if that strategy trades the symbol, takes signals and
   * is enabled. Says whether a strategy took it.
   */
  onSignal(signal: Signal): boolean {
    const hosted = this.#byId.get(signal.strategyId);
    if (hosted === undefined) return false;
    const { strategy, slot } = hosted;
    if (strategy.onSignal === undefined || this.#disabledSlots[slot] === 1) return false;
    if (!strategy.symbols.includes(signal.symbol)) return false;
    try {
      strategy.onSignal(signal, this.#context);
    } catch (error) {
      this.#fail(strategy, error);
      return false;
    }
    return true;
  }

  /** Every hosted strategy, in the order given. */
  list(): Strategy[] {
    return [...this.#byId.values()].map((hosted) => hosted.strategy);
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
    this.#flag(strategyId, 0);
  }

  disable(strategyId: string): void {
    this.#disabled.add(strategyId);
    this.#flag(strategyId, 1);
  }

  #flag(strategyId: string, disabled: 0 | 1): void {
    const slot = this.#slots.get(strategyId);
    if (slot !== undefined) this.#disabledSlots[slot] = disabled;
  }

  #fail(strategy: Strategy, error: unknown): void {
    this.failures++;
    this.disable(strategy.id);
    this.#onFailure({ strategyId: strategy.id, error });
  }
}
