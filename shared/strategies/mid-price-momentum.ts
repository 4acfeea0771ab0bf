/**
 * Trades on quotes: buys when the mid price runs a threshold above its exponential average and
 * sells the position when it falls the same distance below. It exists to exercise the full
 * quote → order path (and the e2e.frame_to_order benchmark), so its per-quote work is a few
 * float operations with no allocation; objects are made only when it decides to trade.
 */
import { EMA } from 'trading-signals';
import { z } from 'zod';
import { positiveDecimal } from '../config/decimal-schema.ts';
import { type Fixed, fixedFromNumber } from '../domain/fixed.ts';
import type { Quote } from '../domain/market-data.ts';
import type { OrderIntent, OrderSide } from '../domain/order.ts';
import { isCryptoSymbol } from '../domain/symbol.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

/** The strategy's parameters in the config (beside `type`, `id` and `symbols`). */
export const midPriceMomentumParameters = {
  period: z.number().int().positive(),
  thresholdBps: z.number().nonnegative(),
  entryQty: positiveDecimal,
  /** A take-profit this far above a long entry's price (below a short's); with broker-held stops the entry is a bracket. */
  takeProfitBps: z.number().positive().optional(),
};

export interface MidPriceMomentumOptions {
  readonly id: string;
  readonly symbols: readonly string[];
  /** EMA length in quotes. */
  readonly period: number;
  /** Distance from the average that triggers, as a fraction (0.001 = 10 bps). */
  readonly threshold: number;
  readonly entryQty: Fixed;
  /** Take-profit distance from an entry's price, as a fraction; absent: none. */
  readonly takeProfit?: number;
}

interface SymbolState {
  readonly average: EMA;
  /** trading-signals' isStable throws internally when unstable, too slow per quote; count instead. */
  samples: number;
  /** `${id}:${symbol}:`, the start of this symbol's intent ids. */
  readonly intentPrefix: string;
  readonly crypto: boolean;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000'];

/**
 * An epoch-µs timestamp as the decimal digits String() gives, in two small-integer conversions:
 * String() of a 16-digit number took ~95 ns on this machine, this ~45 ns (it is in every intent id).
 */
export function epochUsText(us: number): string {
  if (!(us >= 1e9 && us <= Number.MAX_SAFE_INTEGER && Number.isInteger(us))) return String(us);
  const high = Math.floor(us / 1e9);
  // The high digits change every 1000 s: keep the last ones' text.
  if (high !== lastHigh) {
    lastHigh = high;
    lastHighText = String(high);
  }
  const low = String(us - high * 1e9);
  return lastHighText + ZEROS[9 - low.length]! + low;
}

let lastHigh = -1;
let lastHighText = '';

/** On Alpaca's price grid: whole cents from a dollar, hundredths of a cent below. */
function onPriceGrid(price: number): number {
  const steps = price >= 1 ? 100 : 10_000;
  return Math.round(price * steps) / steps;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class MidPriceMomentum implements Strategy {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly #options: MidPriceMomentumOptions;
  readonly #states = new Map<string, SymbolState>();

  constructor(options: MidPriceMomentumOptions) {
    if (!Number.isInteger(options.period) || options.period < 1)
      throw new RangeError('period must be a whole number ≥ 1');
    if (!(options.threshold >= 0)) throw new RangeError('threshold must be ≥ 0');
    if (options.entryQty <= 0n) throw new RangeError('entryQty must be positive');
    this.id = options.id;
    this.symbols = options.symbols;
    this.#options = options;
  }

  onQuote(quote: Quote, context: StrategyContext): void {
    if (!(quote.bidPrice > 0) || !(quote.askPrice >= quote.bidPrice)) return; // one-sided or crossed: no signal
    let state = this.#states.get(quote.symbol);
    if (state === undefined) {
      state = {
        average: new EMA(this.#options.period),
        samples: 0,
        intentPrefix: `${this.id}:${quote.symbol}:`,
        crypto: isCryptoSymbol(quote.symbol),
      };
      this.#states.set(quote.symbol, state);
    }
    const mid = (quote.bidPrice + quote.askPrice) / 2;
    const average = state.average.update(mid, false);
    if (++state.samples < this.#options.period) return;
    const threshold = this.#options.threshold;
    if (mid > average * (1 + threshold)) {
      if (context.exposureQty(quote.symbol) <= 0n)
        this.#submit(quote, state, 'buy', this.#options.entryQty, quote.askPrice, context);
    } else if (mid < average * (1 - threshold)) {
      const held = context.exposureQty(quote.symbol);
      if (held > 0n) this.#submit(quote, state, 'sell', held, quote.bidPrice, context);
    }
  }

  #submit(
    quote: Quote,
    state: SymbolState,
    side: OrderSide,
    qty: Fixed,
    price: number,
    context: StrategyContext,
  ): void {
    const crypto = state.crypto;
    const limitPrice = fixedFromNumber(price);
    const intent: Mutable<OrderIntent> = {
      intentId: `${state.intentPrefix}${epochUsText(quote.timestampUs)}:${side}`,
      strategyId: this.id,
      symbol: quote.symbol,
      assetClass: crypto ? 'crypto' : 'us_equity',
      side,
      qty,
      type: 'limit',
      timeInForce: crypto ? 'ioc' : 'day',
      limitPrice,
      referencePrice: limitPrice,
      purpose: side === 'buy' ? 'entry' : 'exit',
      createdAtMs: context.nowMs(),
    };
    if (side === 'buy' && this.#options.takeProfit !== undefined)
      intent.takeProfitPrice = fixedFromNumber(onPriceGrid(price * (1 + this.#options.takeProfit)));
    context.submit(intent);
  }
}
