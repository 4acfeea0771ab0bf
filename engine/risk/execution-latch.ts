/**
 * The repeated-execution latch: more than N fills for one strategy within a window disables that
 * strategy until a person re-arms it. A strategy stuck in a loop (Knight Capital's failure) shows
 * up as a storm of executions long before it shows up as a loss.
 */
import { ACCEPTED, refusal } from '../../shared/domain/outcome.ts';
import type { OperatorActionResult } from './risk-events.ts';
import { validateOperatorAction } from './risk-events.ts';
import { SlidingWindowCounter } from './sliding-window-counter.ts';

interface StrategyFills {
  readonly counter: SlidingWindowCounter;
  latched: boolean;
}

export class ExecutionLatch {
  readonly #maxFills: number;
  readonly #windowMs: number;
  readonly #strategies = new Map<string, StrategyFills>();

  constructor(maxFills: number, windowMs: number) {
    this.#maxFills = maxFills;
    this.#windowMs = windowMs;
  }

  isLatched(strategyId: string): boolean {
    return this.#strategies.get(strategyId)?.latched === true;
  }

  /** Records a fill; true when this fill latched the strategy. */
  onFill(strategyId: string, nowMs: number): boolean {
    let fills = this.#strategies.get(strategyId);
    if (fills === undefined) {
      fills = { counter: new SlidingWindowCounter(this.#maxFills + 1, this.#windowMs), latched: false };
      this.#strategies.set(strategyId, fills);
    }
    fills.counter.record(nowMs);
    if (fills.latched || !fills.counter.isFull(nowMs)) return false;
    fills.latched = true;
    return true;
  }

  rearm(strategyId: string, operator: string, reason: string): OperatorActionResult {
    const invalid = validateOperatorAction(operator, reason);
    if (invalid !== null) return invalid;
    const fills = this.#strategies.get(strategyId);
    if (fills === undefined || !fills.latched) {
      return refusal('strategy_not_latched', `strategy ${strategyId} is not latched`);
    }
    fills.latched = false;
    fills.counter.clear();
    return ACCEPTED;
  }
}
