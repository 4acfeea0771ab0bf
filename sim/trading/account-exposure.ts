/**
 * What the account has committed: the marks positions are valued at, the shares open orders
 * hold, the buying power open orders reserve, and the buying power left. Read by order
 * admission and by the account view; scans only the open orders, never the order history.
 */
import { abs, add, type Fixed, fixedFromNumber, mul, SCALE, sub, ZERO } from '../../shared/domain/fixed.ts';
import type { QuoteSource } from '../market/quote-source.ts';
import type { AccountLedger } from './account-ledger.ts';
import { remainingQtyAt } from './fill-model.ts';
import type { SimOrder } from './sim-order.ts';

const MARGIN_MULTIPLIER = (2n * SCALE) as Fixed;

export interface BuyingPower {
  /** Reg T margin buying power: 2 × equity − gross position value − reservations. */
  readonly margin: Fixed;
  /** Cash less reservations: what non-marginable (crypto) buys may use. */
  readonly cash: Fixed;
  readonly equity: Fixed;
  /** Long plus absolute short market value. */
  readonly gross: Fixed;
}

export class AccountExposure {
  readonly #ledger: AccountLedger;
  readonly #quotes: QuoteSource;
  readonly #open: ReadonlySet<SimOrder>;

  constructor(ledger: AccountLedger, quotes: QuoteSource, open: ReadonlySet<SimOrder>) {
    this.#ledger = ledger;
    this.#quotes = quotes;
    this.#open = open;
  }

  /** The price a position is marked at: last trade, else the quote midpoint. */
  markPrice(symbol: string): Fixed | undefined {
    const trade = this.#quotes.latestTrade(symbol);
    if (trade !== undefined && trade.price > 0) return fixedFromNumber(trade.price);
    const quote = this.#quotes.latestQuote(symbol);
    if (quote !== undefined && quote.bidPrice > 0 && quote.askPrice > 0) {
      return fixedFromNumber((quote.bidPrice + quote.askPrice) / 2);
    }
    return undefined;
  }

  /** The mark, or the average entry price when the symbol has no price yet. */
  positionMark(symbol: string, qty: Fixed, costBasis: Fixed): Fixed {
    return this.markPrice(symbol) ?? (((costBasis * SCALE) / abs(qty)) as Fixed);
  }

  /** Quantity of a symbol held by open orders on one side (pending cancels no longer hold). */
  heldQty(symbol: string, side: 'buy' | 'sell', except: SimOrder | null = null): Fixed {
    return this.#sumOpen(except, (order) => {
      if (order.symbol !== symbol || order.side !== side) return ZERO;
      if (order.qty !== null) return sub(order.qty, order.filledQty);
      const reference = order.limitPrice ?? this.markPrice(symbol);
      return reference === undefined ? ZERO : remainingQtyAt(order, reference);
    });
  }

  /** Buying power still reserved by open exposure-increasing orders. */
  reservedNotional(except: SimOrder | null = null): Fixed {
    return this.#sumOpen(except, (order) => {
      if (order.reservedNotional === 0n) return ZERO;
      return order.qty !== null
        ? (((order.reservedNotional * (order.qty - order.filledQty)) / order.qty) as Fixed)
        : sub(order.reservedNotional, (order.filledValueRaw / SCALE) as Fixed);
    });
  }

  /**
   * Sums a per-order amount over the open orders, except pending cancels and `except`. An order
   * being replaced and its replacement count once, at the larger of the two: Alpaca holds
   * buying power against the larger order while a replace is pending.
   */
  #sumOpen(except: SimOrder | null, amountOf: (order: SimOrder) => Fixed): Fixed {
    const amounts = new Map<string, Fixed>();
    for (const order of this.#open) {
      if (order === except || order.status === 'pending_cancel') continue;
      amounts.set(order.id, amountOf(order));
    }
    const superseded = new Set<string>();
    for (const order of this.#open) {
      if (order.replaces !== null && amounts.has(order.id) && amounts.has(order.replaces))
        superseded.add(order.replaces);
    }
    let total = ZERO;
    for (const order of this.#open) {
      const amount = amounts.get(order.id);
      if (amount === undefined || superseded.has(order.id)) continue;
      const replaced = order.replaces === null ? undefined : amounts.get(order.replaces);
      total = add(total, replaced !== undefined && replaced > amount ? replaced : amount);
    }
    return total;
  }

  buyingPower(except: SimOrder | null = null): BuyingPower {
    const valuation = this.#ledger.valuation((symbol, position) =>
      this.positionMark(symbol, position.qty, position.costBasis),
    );
    const gross = sub(valuation.longMarketValue, valuation.shortMarketValue);
    const reserved = this.reservedNotional(except);
    const margin = sub(sub(mul(valuation.equity, MARGIN_MULTIPLIER), gross), reserved);
    const cash = sub(this.#ledger.cash, reserved);
    return {
      margin: margin > 0n ? margin : ZERO,
      cash: cash > 0n ? cash : ZERO,
      equity: valuation.equity,
      gross,
    };
  }
}
