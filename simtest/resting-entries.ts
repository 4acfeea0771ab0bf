/**
 * A strategy whose buy entries rest below the market instead of taking the offer: each is priced
 * `bps` under the strategy's own limit, on the cent grid. The scenarios' strategies take the
 * touch, so their entries fill (or all but fill) at once and there is rarely an order to cancel
 * when a stop or the kill switch acts; a resting entry, partly filled and left behind by the
 * price, is what a flatten must cancel and wait for.
 */
import type { Fixed } from '../shared/domain/fixed.ts';
import type { Bar, Quote } from '../shared/domain/market-data.ts';
import type { OrderIntent } from '../shared/domain/order.ts';
import type { Strategy, StrategyContext } from '../shared/strategies/strategy.ts';

/** A cent, in fixed-point units: Alpaca refuses sub-penny limits at a dollar and above. */
const CENT = 10_000_000n;

export class RestingEntries implements Strategy {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly #inner: Strategy;
  readonly #bps: bigint;
  /** The host's context, as this strategy hands it on (the host passes the same one every time). */
  #wrapped: { readonly of: StrategyContext; readonly context: StrategyContext } | undefined;

  constructor(inner: Strategy, bps: number) {
    this.id = inner.id;
    this.symbols = inner.symbols;
    this.#inner = inner;
    this.#bps = BigInt(bps);
  }

  onQuote(quote: Quote, context: StrategyContext): void {
    this.#inner.onQuote?.(quote, this.#resting(context));
  }

  onBar(bar: Bar, context: StrategyContext): void {
    this.#inner.onBar?.(bar, this.#resting(context));
  }

  #resting(context: StrategyContext): StrategyContext {
    if (this.#wrapped?.of !== context)
      this.#wrapped = {
        of: context,
        context: {
          exposureQty: (symbol) => context.exposureQty(symbol),
          nowMs: () => context.nowMs(),
          submit: (intent) => context.submit(this.#rest(intent)),
        },
      };
    return this.#wrapped.context;
  }

  #rest(intent: OrderIntent): OrderIntent {
    if (intent.purpose !== 'entry' || intent.side !== 'buy' || intent.limitPrice === undefined) return intent;
    const below = (intent.limitPrice * (10_000n - this.#bps)) / 10_000n;
    return { ...intent, limitPrice: ((below / CENT) * CENT) as Fixed };
  }
}
