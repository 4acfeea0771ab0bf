/**
 * Mean reversion on minute bars: buys when a close falls below the lower Bollinger band while the
 * RSI is below the oversold level (a stretched move down, not a drift), and sells the position
 * once a close gets back to the middle band, the mean. It does not buy again while it holds or
 * has an entry working (the context's exposure), so a long slide below the band is one entry;
 * and it sends one exit per position: an exit that risk or the venue refuses is not sent again
 * (the position is then left to risk's stops and the operator).
 */
import { z } from 'zod';
import type { Fixed } from '../domain/fixed.ts';
import type { Bar } from '../domain/market-data.ts';
import { BollingerBands } from '../indicators/bollinger-bands.ts';
import { RSI } from '../indicators/rsi.ts';
import { submitBarOrder } from './bar-order.ts';
import { barStep } from './bar-sequence.ts';
import { quantityForNotional } from './order-sizing.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

/** The strategy's parameters in the config (beside `type`, `id` and `symbols`). */
export const meanReversionParameters = {
  bandPeriod: z.number().int().min(2).default(20),
  /** Band half-width in population standard deviations. */
  bandWidth: z.number().positive().default(2),
  rsiPeriod: z.number().int().positive().default(14),
  /** Buy only while the RSI is below this. */
  oversold: z.number().gt(0).lt(100).default(30),
};

export interface MeanReversionOptions {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly bandPeriod: number;
  readonly bandWidth: number;
  readonly rsiPeriod: number;
  readonly oversold: number;
  /** Target notional of one entry, in dollars. */
  readonly entryNotional: Fixed;
}

interface SymbolState {
  readonly bands: BollingerBands;
  readonly rsi: RSI;
  lastBarStartUs: number;
  /** An exit was sent and the position has not closed yet: send no second one beside it. */
  exiting: boolean;
}

export class MeanReversion implements Strategy {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly #options: MeanReversionOptions;
  readonly #states = new Map<string, SymbolState>();

  constructor(options: MeanReversionOptions) {
    if (!(options.oversold > 0 && options.oversold < 100)) {
      throw new RangeError('the oversold level must lie between 0 and 100');
    }
    this.id = options.id;
    this.symbols = options.symbols;
    this.#options = options;
    // Fails here, not on the first bar, when a period is not a whole number ≥ 1.
    this.#newState();
  }

  onBar(bar: Bar, context: StrategyContext): void {
    let state = this.#states.get(bar.symbol);
    if (state === undefined) {
      state = this.#newState();
      this.#states.set(bar.symbol, state);
    }
    const step = barStep(bar, state.lastBarStartUs);
    if (step === 'skip') return;
    const replace = step === 'replace';
    state.lastBarStartUs = bar.startUs;
    const bands = state.bands.update(bar.close, replace);
    const rsi = state.rsi.update(bar.close, replace);
    if (bands === null || rsi === null) return;
    const held = context.exposureQty(bar.symbol);
    if (held > 0n) {
      if (state.exiting || bar.close < bands.middle) return;
      submitBarOrder(this.id, bar, 'sell', held, 'exit', context);
      state.exiting = true;
      return;
    }
    state.exiting = false;
    if (held < 0n || bar.close >= bands.lower || rsi >= this.#options.oversold) return;
    const qty = quantityForNotional(bar.symbol, this.#options.entryNotional, bar.close);
    if (qty > 0n) submitBarOrder(this.id, bar, 'buy', qty, 'entry', context);
  }

  #newState(): SymbolState {
    const { bandPeriod, bandWidth, rsiPeriod } = this.#options;
    return {
      bands: new BollingerBands(bandPeriod, bandWidth),
      rsi: new RSI(rsiPeriod),
      lastBarStartUs: Number.NEGATIVE_INFINITY,
      exiting: false,
    };
  }
}
