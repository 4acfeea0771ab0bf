/**
 * Cash, positions and day trades of the one simulated account, in exact Fixed arithmetic.
 * Average-cost accounting: a reducing fill keeps the average entry price and shrinks the cost
 * basis in proportion; a short sale credits its proceeds to cash and shows as negative market
 * value, so equity = cash + long market value + short market value, as Alpaca defines it.
 */
import { abs, add, divRoundHalfEven, type Fixed, neg, sub, ZERO } from '../../shared/domain/fixed.ts';
import { mulFixed } from '../../shared/domain/fixed-mul.ts';
import type { OrderSide } from '../../shared/domain/order.ts';

export interface LedgerPosition {
  /** Signed: negative when short. */
  readonly qty: Fixed;
  /** Cost of the open quantity, always positive. */
  readonly costBasis: Fixed;
  /** Session date of the last fill that opened or increased the position. */
  readonly lastIncreaseSession: string;
}

export interface Valuation {
  readonly longMarketValue: Fixed;
  readonly shortMarketValue: Fixed;
  readonly equity: Fixed;
}

export class AccountLedger {
  #cash: Fixed;
  #feesPaid: Fixed = ZERO;
  readonly #positions = new Map<string, LedgerPosition>();
  /**
   * Day trades counted per session date, in the order the dates came: one entry a session, where a
   * list of every day trade's date grew by one per round trip of a long backtest.
   */
  readonly #dayTrades: { readonly date: string; count: number }[] = [];

  constructor(startingCash: Fixed) {
    this.#cash = startingCash;
  }

  get cash(): Fixed {
    return this.#cash;
  }

  /** Fees and commissions charged so far (already taken from cash). */
  get feesPaid(): Fixed {
    return this.#feesPaid;
  }

  /** A fee on an execution: taken from cash, as Alpaca deducts it from the sale's proceeds. */
  chargeFee(fee: Fixed): void {
    this.#cash = sub(this.#cash, fee);
    this.#feesPaid = add(this.#feesPaid, fee);
  }

  positions(): ReadonlyMap<string, LedgerPosition> {
    return this.#positions;
  }

  position(symbol: string): LedgerPosition | undefined {
    return this.#positions.get(symbol);
  }

  positionQty(symbol: string): Fixed {
    return this.#positions.get(symbol)?.qty ?? ZERO;
  }

  /** Books one execution and returns the signed position afterwards. */
  applyFill(symbol: string, side: OrderSide, qty: Fixed, price: Fixed, sessionDate: string): Fixed {
    const value = mulFixed(qty, price);
    this.#cash = side === 'buy' ? sub(this.#cash, value) : add(this.#cash, value);
    const signed = side === 'buy' ? qty : neg(qty);
    const before = this.#positions.get(symbol);
    const oldQty = before?.qty ?? ZERO;
    const newQty = add(oldQty, signed);
    if (newQty === 0n) {
      this.#positions.delete(symbol);
    } else if (before === undefined || oldQty === 0n || oldQty > 0n === signed > 0n) {
      this.#positions.set(symbol, {
        qty: newQty,
        costBasis: add(before?.costBasis ?? ZERO, value),
        lastIncreaseSession: sessionDate,
      });
    } else if (oldQty > 0n === newQty > 0n) {
      const costBasis = divRoundHalfEven(before.costBasis * abs(newQty), abs(oldQty)) as Fixed;
      this.#positions.set(symbol, { ...before, qty: newQty, costBasis });
    } else {
      // The fill crossed zero: the old side closed and the remainder opened at this price.
      this.#positions.set(symbol, {
        qty: newQty,
        costBasis: mulFixed(abs(newQty), price),
        lastIncreaseSession: sessionDate,
      });
    }
    const reduced = before !== undefined && oldQty !== 0n && oldQty > 0n !== signed > 0n;
    if (reduced && before.lastIncreaseSession === sessionDate) this.#countDayTrade(sessionDate);
    return newQty;
  }

  #countDayTrade(sessionDate: string): void {
    const last = this.#dayTrades.at(-1);
    if (last !== undefined && last.date === sessionDate) last.count++;
    else this.#dayTrades.push({ date: sessionDate, count: 1 });
  }

  /** Day trades (a same-session open then reduce) recorded on or after a session date. */
  dayTradesSince(sessionDate: string): number {
    let trades = 0;
    for (const { date, count } of this.#dayTrades) if (date >= sessionDate) trades += count;
    return trades;
  }

  valuation(priceOf: (symbol: string, position: LedgerPosition) => Fixed): Valuation {
    let longMarketValue = ZERO;
    let shortMarketValue = ZERO;
    for (const [symbol, position] of this.#positions) {
      const marketValue = mulFixed(position.qty, priceOf(symbol, position));
      if (position.qty > 0n) longMarketValue = add(longMarketValue, marketValue);
      else shortMarketValue = add(shortMarketValue, marketValue);
    }
    return {
      longMarketValue,
      shortMarketValue,
      equity: add(add(this.#cash, longMarketValue), shortMarketValue),
    };
  }
}
