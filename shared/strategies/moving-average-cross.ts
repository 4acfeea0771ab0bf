/**
 * Buys when the fast simple moving average of minute-bar closes crosses above the slow one, and
 * sells the position when it crosses back below. Alpaca's updated bars (a late trade corrected
 * the last minute) replace the last close instead of adding one, so averages match the tape.
 */
import { SMA } from 'trading-signals';
import { type Fixed, fixedFromNumber, neg } from '../domain/fixed.ts';
import type { Bar } from '../domain/market-data.ts';
import type { OrderSide } from '../domain/order.ts';
import { isCryptoSymbol } from '../domain/symbol.ts';
import { quantityForNotional } from './order-sizing.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export interface MovingAverageCrossOptions {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  /** Target notional of one entry, in dollars. */
  readonly entryNotional: Fixed;
}

interface SymbolState {
  readonly fast: SMA;
  readonly slow: SMA;
  lastBarStartUs: number;
  /** -1 fast below slow, 1 above, 0 unknown or equal. */
  relation: -1 | 0 | 1;
}

export class MovingAverageCross implements Strategy {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly #options: MovingAverageCrossOptions;
  readonly #states = new Map<string, SymbolState>();

  constructor(options: MovingAverageCrossOptions) {
    if (!Number.isInteger(options.fastPeriod) || !Number.isInteger(options.slowPeriod)) {
      throw new RangeError('moving-average periods must be whole numbers');
    }
    if (options.fastPeriod < 1 || options.fastPeriod >= options.slowPeriod) {
      throw new RangeError('the fast period must be at least 1 and shorter than the slow period');
    }
    this.id = options.id;
    this.symbols = options.symbols;
    this.#options = options;
  }

  onBar(bar: Bar, context: StrategyContext): void {
    if (bar.kind === 'daily') return;
    const state = this.#state(bar.symbol);
    const replace = bar.kind === 'updated';
    if (replace && bar.startUs !== state.lastBarStartUs) return; // a correction of an older bar: too late to matter
    if (!replace && bar.startUs <= state.lastBarStartUs) return; // a replayed bar (e.g. after a backfill)
    state.fast.update(bar.close, replace);
    state.slow.update(bar.close, replace);
    state.lastBarStartUs = bar.startUs;
    const fast = state.fast.getResult();
    const slow = state.slow.getResult();
    if (fast === null || slow === null) return;
    const relation = fast > slow ? 1 : fast < slow ? -1 : 0;
    const previous = state.relation;
    state.relation = relation;
    if (previous === -1 && relation === 1) this.#enter(bar, context);
    else if (previous === 1 && relation === -1) this.#exit(bar, context);
  }

  #enter(bar: Bar, context: StrategyContext): void {
    if (context.exposureQty(bar.symbol) > 0n) return;
    const qty = quantityForNotional(bar.symbol, this.#options.entryNotional, bar.close);
    if (qty <= 0n) return;
    this.#submit(bar, 'buy', qty, 'entry', context);
  }

  #exit(bar: Bar, context: StrategyContext): void {
    const held = context.exposureQty(bar.symbol);
    if (held <= 0n) return;
    this.#submit(bar, 'sell', held, 'exit', context);
  }

  #submit(bar: Bar, side: OrderSide, qty: Fixed, purpose: 'entry' | 'exit', context: StrategyContext): void {
    const crypto = isCryptoSymbol(bar.symbol);
    context.submit({
      // The bar and side identify the decision, so a restart that replays the bar cannot duplicate it.
      intentId: `${this.id}:${bar.symbol}:${bar.startUs}:${side}`,
      strategyId: this.id,
      symbol: bar.symbol,
      assetClass: crypto ? 'crypto' : 'us_equity',
      side,
      qty: qty < 0n ? neg(qty) : qty,
      type: 'market',
      timeInForce: crypto ? 'gtc' : 'day',
      referencePrice: fixedFromNumber(bar.close),
      purpose,
      createdAtMs: context.nowMs(),
    });
  }

  #state(symbol: string): SymbolState {
    let state = this.#states.get(symbol);
    if (state === undefined) {
      state = {
        fast: new SMA(this.#options.fastPeriod),
        slow: new SMA(this.#options.slowPeriod),
        lastBarStartUs: Number.NEGATIVE_INFINITY,
        relation: 0,
      };
      this.#states.set(symbol, state);
    }
    return state;
  }
}
