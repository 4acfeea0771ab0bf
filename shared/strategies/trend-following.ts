/**
 * Trend following on minute bars: buys when the fast moving average of closes crosses above the
 * slow one (simple or exponential, as configured) and sells the position when it crosses back
 * below. With an ATR stop it also sells when a close falls `multiple` average true ranges below
 * the highest close since the entry (a trailing, chandelier-style stop, judged on closes so one
 * wick does not end a trend); after a stop it waits for the next cross up to buy again. The stop
 * trails positions this strategy opened in this process; one it finds on start-up (held before a
 * restart) exits on the cross down, and risk's own stops guard it meanwhile.
 */
import { z } from 'zod';
import type { Fixed } from '../domain/fixed.ts';
import type { Bar } from '../domain/market-data.ts';
import { ATR } from '../indicators/atr.ts';
import { EMA } from '../indicators/ema.ts';
import type { Indicator } from '../indicators/indicator.ts';
import { SMA } from '../indicators/sma.ts';
import { submitBarOrder } from './bar-order.ts';
import { barStep } from './bar-sequence.ts';
import { quantityForNotional } from './order-sizing.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

const period = z.number().int().positive();

/** The strategy's parameters in the config (beside `type`, `id` and `symbols`). */
export const trendFollowingParameters = {
  /** Which moving average: simple or exponential (SMA-seeded, see shared/indicators/ema.ts). */
  average: z.enum(['sma', 'ema']).default('sma'),
  fastPeriod: period,
  slowPeriod: period,
  /** Exit when a close falls `multiple` ATR(`period`) below the highest close since the entry. */
  atrStop: z.strictObject({ period, multiple: z.number().positive() }).optional(),
};

export interface TrendFollowingOptions {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly average: 'sma' | 'ema';
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  /** Target notional of one entry, in dollars. */
  readonly entryNotional: Fixed;
  readonly atrStop?: { readonly period: number; readonly multiple: number };
}

interface SymbolState {
  readonly fast: Indicator<number, number>;
  readonly slow: Indicator<number, number>;
  readonly atr: ATR | null;
  lastBarStartUs: number;
  /** -1 fast below slow, 1 above, 0 unknown or equal: as of the last decision taken. */
  relation: -1 | 0 | 1;
  /** Highest close since the entry, NaN while no stop is trailing; and before the latest bar. */
  highestClose: number;
  highestBefore: number;
  /** Start of the bar on which the strategy last submitted an order. */
  decidedOnUs: number;
}

export class TrendFollowing implements Strategy {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly #options: TrendFollowingOptions;
  readonly #states = new Map<string, SymbolState>();

  constructor(options: TrendFollowingOptions) {
    if (!Number.isInteger(options.fastPeriod) || !Number.isInteger(options.slowPeriod)) {
      throw new RangeError('moving-average periods must be whole numbers');
    }
    if (options.fastPeriod < 1 || options.fastPeriod >= options.slowPeriod) {
      throw new RangeError('the fast period must be at least 1 and shorter than the slow period');
    }
    if (options.atrStop !== undefined && !(options.atrStop.multiple > 0)) {
      throw new RangeError('the ATR stop multiple must be positive');
    }
    this.id = options.id;
    this.symbols = options.symbols;
    this.#options = options;
  }

  onBar(bar: Bar, context: StrategyContext): void {
    const state = this.#state(bar.symbol);
    const step = barStep(bar, state.lastBarStartUs);
    if (step === 'skip') return;
    const replace = step === 'replace';
    // A corrected close replaces the one the stop trailed from, unless the strategy already acted
    // on it: an order sent cannot be taken back, so the state stays what that decision left.
    // The relation is likewise the one acted on, so a correction that undoes a cross crosses back.
    if (!replace) state.highestBefore = state.highestClose;
    else if (state.decidedOnUs !== bar.startUs) state.highestClose = state.highestBefore;
    state.lastBarStartUs = bar.startUs;
    const fast = state.fast.update(bar.close, replace);
    const slow = state.slow.update(bar.close, replace);
    const atr = state.atr === null ? null : state.atr.update(bar, replace);
    const previous = state.relation;
    if (fast !== null && slow !== null) state.relation = fast > slow ? 1 : fast < slow ? -1 : 0;
    const relation = state.relation;
    if (this.#stopReached(bar, state, atr)) this.#exit(bar, state, context);
    else if (previous === -1 && relation === 1) this.#enter(bar, state, context);
    else if (previous === 1 && relation === -1) this.#exit(bar, state, context);
  }

  /** Trails the stop up with the close; true when the close has fallen to it. */
  #stopReached(bar: Bar, state: SymbolState, atr: number | null): boolean {
    const stop = this.#options.atrStop;
    if (stop === undefined || atr === null || Number.isNaN(state.highestClose)) return false;
    const highest = Math.max(state.highestClose, bar.close);
    state.highestClose = highest;
    return bar.close <= highest - stop.multiple * atr;
  }

  #enter(bar: Bar, state: SymbolState, context: StrategyContext): void {
    if (context.exposureQty(bar.symbol) > 0n) return;
    const qty = quantityForNotional(bar.symbol, this.#options.entryNotional, bar.close);
    if (qty <= 0n) return;
    submitBarOrder(this.id, bar, 'buy', qty, 'entry', context);
    state.highestClose = bar.close;
    state.decidedOnUs = bar.startUs;
  }

  #exit(bar: Bar, state: SymbolState, context: StrategyContext): void {
    state.highestClose = Number.NaN;
    const held = context.exposureQty(bar.symbol);
    if (held <= 0n) return;
    submitBarOrder(this.id, bar, 'sell', held, 'exit', context);
    state.decidedOnUs = bar.startUs;
  }

  #state(symbol: string): SymbolState {
    let state = this.#states.get(symbol);
    if (state === undefined) {
      const { average, fastPeriod, slowPeriod, atrStop } = this.#options;
      state = {
        fast: average === 'ema' ? new EMA(fastPeriod) : new SMA(fastPeriod),
        slow: average === 'ema' ? new EMA(slowPeriod) : new SMA(slowPeriod),
        atr: atrStop === undefined ? null : new ATR(atrStop.period),
        lastBarStartUs: Number.NEGATIVE_INFINITY,
        relation: 0,
        highestClose: Number.NaN,
        highestBefore: Number.NaN,
        decidedOnUs: Number.NaN,
      };
      this.#states.set(symbol, state);
    }
    return state;
  }
}
