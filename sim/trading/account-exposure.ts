/**
 * What the account has committed: the marks positions are valued at, the shares open orders
 * hold, the buying power open orders reserve, and the buying power left. Read by order
 * admission and by the account view; scans only the open orders, never the order history.
 */
import { abs, add, type Fixed, fixedFromNumber, SCALE, sub, ZERO } from '../../shared/domain/fixed.ts';
import type { QuoteSource } from '../market/quote-source.ts';
import type { AccountLedger } from './account-ledger.ts';
import { remainingQtyAt } from './fill-model.ts';
import type { OpenOrderList } from './open-orders.ts';
import type { SimOrder } from './sim-order.ts';

/** Reg T: buying power is twice the equity (a plain integer, not a Fixed). */
const MARGIN_MULTIPLIER = 2n;

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
  readonly #open: OpenOrderList;

  constructor(ledger: AccountLedger, quotes: QuoteSource, open: OpenOrderList) {
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
   * Sums a per-order amount over the open orders, except pending cancels, held legs (they work
   * only once their entry fills) and `except` (with the rest of its one-cancels-other group,
   * which its replacement joins). Orders that can never both execute count once, at the larger
   * amount: an order being replaced and its replacement (Alpaca holds buying power against the
   * larger order while a replace is pending), and the exits of one bracket or oco group (only
   * one of them can fill).
   */
  #sumOpen(except: SimOrder | null, amountOf: (order: SimOrder) => Fixed): Fixed {
    // Without groups or replacements in flight each order counts on its own: a plain sum.
    let total = ZERO;
    for (let order = this.#open.first; order !== null; order = order.nextOpen) {
      if (order.ocoGroup !== null || order.replaces !== null) return this.#sumGrouped(except, amountOf);
      if (order !== except && order.status !== 'pending_cancel' && order.status !== 'held') {
        total = add(total, amountOf(order));
      }
    }
    return total;
  }

  #sumGrouped(except: SimOrder | null, amountOf: (order: SimOrder) => Fixed): Fixed {
    const counted = [...this.#open].filter(
      (order) =>
        order !== except &&
        order.status !== 'pending_cancel' &&
        order.status !== 'held' &&
        (order.ocoGroup === null || order.ocoGroup !== except?.ocoGroup),
    );
    const ids = new Set(counted.map((order) => order.id));
    const largest = new Map<string, Fixed>();
    for (const order of counted) {
      const key =
        order.ocoGroup ?? (order.replaces !== null && ids.has(order.replaces) ? order.replaces : order.id);
      const amount = amountOf(order);
      const current = largest.get(key);
      if (current === undefined || amount > current) largest.set(key, amount);
    }
    let total = ZERO;
    for (const amount of largest.values()) total = add(total, amount);
    return total;
  }

  buyingPower(except: SimOrder | null = null): BuyingPower {
    const valuation = this.#ledger.valuation((symbol, position) =>
      this.positionMark(symbol, position.qty, position.costBasis),
    );
    const gross = sub(valuation.longMarketValue, valuation.shortMarketValue);
    const reserved = this.reservedNotional(except);
    // Twice the equity: mul(equity, 2), without its rounding division (there is nothing to round).
    const margin = sub(sub((valuation.equity * MARGIN_MULTIPLIER) as Fixed, gross), reserved);
    const cash = sub(this.#ledger.cash, reserved);
    return {
      margin: margin > 0n ? margin : ZERO,
      cash: cash > 0n ? cash : ZERO,
      equity: valuation.equity,
      gross,
    };
  }
}
