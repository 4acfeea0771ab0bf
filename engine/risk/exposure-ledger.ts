/**
 * Risk's own ledger of exposure, counting working orders as if filled (SEC 15c3-5: limits apply
 * to orders entered, not only to fills), so a burst of orders cannot overshoot before fills arrive.
 *
 * Money here is price × quantity at the 1e-18 scale (notionalRaw): positions at their average
 * entry price, working orders at the price they were entered at (limit, or the protective bound
 * of a market order). Aggregates are updated per order event, so a check reads them and does a
 * handful of bigint operations.
 *
 * A symbol's exposure is the larger of its two worst cases: every working buy fills, or every
 * working sell fills. Buying onto a long adds (position + buys); buying against a short covers it,
 * leaving at most the short when the buys cannot flip it, and at most the larger of the two
 * amounts when they can. Sells mirror this. The bound is exact when position and orders are on
 * one side, is never below the true worst case, and an exit never raises it.
 *
 * Positions are not kept here: each symbol reads its ledger in the engine's one position book
 * (engine/portfolio), where execution books fills before risk hears of them. What is kept is
 * derived from it at each change (notional, float copies, the quantity last seen), so a check
 * reads a few fields.
 */
import type { Fill } from '../../shared/domain/fill.ts';
import { type Fixed, fixedToNumber, min, notionalRaw, ZERO } from '../../shared/domain/fixed.ts';
import type { OrderSide, OrderType } from '../../shared/domain/order.ts';
import type { PositionLedger } from '../../shared/domain/position-ledger.ts';

/** Where positions live: the engine's position book (engine/portfolio/portfolio.ts). */
export interface PositionSource {
  ledger(symbol: string): PositionLedger;
  symbols(): Iterable<string>;
}

export interface WorkingOrder {
  readonly clientOrderId: string;
  readonly intentId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly reduceOnly: boolean;
  /** The price its exposure is counted at. */
  readonly price: Fixed;
  remainingQty: Fixed;
  /**
   * Final at the venue, counted only for fills the position book has not booked yet
   * (finishWorkingOrder): it can trade with nothing, so it is no self-match.
   */
  finalAtVenue: boolean;
}

/** Sentinels for self-match: a working market order crosses anything on the other side. */
const NO_BUY = -1n;
const NO_SELL = 1n << 128n;
/** No gross is negative. */
const NOT_MEMOISED = -1n;

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export class SymbolExposure {
  readonly symbol: string;
  /** The position book's ledger for this symbol: read, never written, here. */
  readonly position: PositionLedger;
  /** The position's quantity when this exposure last synced with the book. */
  syncedQty: Fixed = ZERO;
  /** |qty| × average entry price, 1e-18. */
  positionNotionalRaw = 0n;
  /** Float copies for the per-quote paths (stops, unrealised P&L). */
  positionQty = 0;
  averagePrice = 0;
  /** When the current position was opened (0 when flat): names stop exits so retries never duplicate. */
  openedAtMs = 0;
  /** Realised P&L since the position was last flat, to judge whole trades as wins or losses. */
  roundTripRealized = 0n;
  workingBuyQty = 0n;
  workingSellQty = 0n;
  workingBuyRaw = 0n;
  workingSellRaw = 0n;
  exposureRaw = 0n;
  /** Highest resting buy and lowest resting sell price, for self-match. */
  bestBuy = NO_BUY;
  bestSell = NO_SELL;
  readonly working: WorkingOrder[] = [];
  /** Each side's worst case with the working orders alone, and the position they hold for. */
  #sidesHeld = 0n;
  #buySideRaw = 0n;
  #sellSideRaw = 0n;
  #othersFromGross = NOT_MEMOISED;
  #othersRaw = 0n;

  constructor(symbol: string, position: PositionLedger) {
    this.symbol = symbol;
    this.position = position;
  }

  get qty(): Fixed {
    return this.position.qty;
  }

  /** The symbol's exposure if one more order of this side, quantity and notional were working. */
  exposureWith(side: OrderSide, orderQty: bigint, orderRaw: bigint): bigint {
    const held = this.position.qty;
    // An order that adds to the position's side (or opens one) only raises that side's worst
    // case, which recompute() keeps: one bigint addition instead of the general case's four
    // (~25 ns each, on the path of every check). Only while the book holds what it was kept for.
    if (held === this.#sidesHeld) {
      if (side === 'buy' && held >= 0n) return maxOf(this.#buySideRaw + orderRaw, this.#sellSideRaw);
      if (side === 'sell' && held <= 0n) return maxOf(this.#sellSideRaw + orderRaw, this.#buySideRaw);
    }
    const buying = side === 'buy';
    return this.#worstCase(
      held,
      buying ? this.workingBuyQty + orderQty : this.workingBuyQty,
      buying ? this.workingSellQty : this.workingSellQty + orderQty,
      buying ? this.workingBuyRaw + orderRaw : this.workingBuyRaw,
      buying ? this.workingSellRaw : this.workingSellRaw + orderRaw,
    );
  }

  /**
   * The larger of the buy side's and the sell side's worst case; with `keep`, both sides are kept
   * for exposureWith. Orders against the position that cannot flip it leave at most the position.
   */
  #worstCase(
    held: bigint,
    buyQty: bigint,
    sellQty: bigint,
    buys: bigint,
    sells: bigint,
    keep = false,
  ): bigint {
    const cost = this.positionNotionalRaw;
    const buySide = held >= 0n ? cost + buys : buyQty <= -held ? cost : maxOf(cost, buys);
    const sellSide = held <= 0n ? cost + sells : sellQty <= held ? cost : maxOf(cost, sells);
    if (keep) {
      this.#sidesHeld = held;
      this.#buySideRaw = buySide;
      this.#sellSideRaw = sellSide;
      this.#othersFromGross = NOT_MEMOISED;
    }
    return maxOf(buySide, sellSide);
  }

  /**
   * Σ the other symbols' exposures, given the ledger's gross: a check adds its symbol's exposure
   * after the order to it. Memoised on the gross it was taken from, since between two order
   * events (when one changes) a symbol is checked again and again.
   */
  otherSymbolsRaw(grossRaw: bigint): bigint {
    if (grossRaw !== this.#othersFromGross) {
      this.#othersFromGross = grossRaw;
      this.#othersRaw = grossRaw - this.exposureRaw;
    }
    return this.#othersRaw;
  }

  /** True when an order of this side and price would trade against one of our resting orders. */
  wouldSelfMatch(side: OrderSide, price: Fixed | null): boolean {
    if (side === 'buy') return this.bestSell !== NO_SELL && (price === null || price >= this.bestSell);
    return this.bestBuy !== NO_BUY && (price === null || price <= this.bestBuy);
  }

  recompute(): void {
    this.exposureRaw = this.#worstCase(
      this.position.qty,
      this.workingBuyQty,
      this.workingSellQty,
      this.workingBuyRaw,
      this.workingSellRaw,
      true,
    );
    let bestBuy = NO_BUY;
    let bestSell = NO_SELL;
    for (const order of this.working) {
      // Stop orders rest off the book until triggered, so they cannot match.
      if (order.finalAtVenue) continue;
      if (order.type === 'market') {
        if (order.side === 'buy') bestBuy = NO_SELL;
        else bestSell = 0n;
      } else if (order.type === 'limit') {
        if (order.side === 'buy') bestBuy = maxOf(bestBuy, order.price);
        else bestSell = order.price < bestSell ? order.price : bestSell;
      }
    }
    this.bestBuy = bestBuy;
    this.bestSell = bestSell;
  }

  syncPosition(): void {
    const qty = this.position.qty;
    const average = this.position.avgEntryPrice;
    this.syncedQty = qty;
    this.positionNotionalRaw = notionalRaw(average, qty < 0n ? (-qty as Fixed) : qty);
    this.positionQty = fixedToNumber(qty);
    this.averagePrice = fixedToNumber(average);
  }
}

export interface FillOutcome {
  readonly symbol: SymbolExposure;
  readonly realized: Fixed;
  readonly qtyBefore: Fixed;
  readonly qtyAfter: Fixed;
  /** The strategy whose order filled; null for a fill of an order risk never saw submitted. */
  readonly strategyId: string | null;
  /** The whole trade's realised P&L when this fill closed (or flipped) the position; else null. */
  readonly closedTradePnl: Fixed | null;
}

export class ExposureLedger {
  readonly #positions: PositionSource;
  readonly #symbols = new Map<string, SymbolExposure>();
  readonly #orders = new Map<string, WorkingOrder>();
  /** Final orders still counted for fills the position book has not booked (finishWorkingOrder). */
  readonly #awaitingBooking = new Set<string>();
  /** Σ symbol exposures. */
  grossRaw = 0n;
  /** Σ working orders' notional, both sides. */
  workingRaw = 0n;
  /** Symbols with a position or a working order. */
  openSymbols = 0;

  constructor(positions: PositionSource) {
    this.#positions = positions;
  }

  get(symbol: string): SymbolExposure | undefined {
    return this.#symbols.get(symbol);
  }

  getOrCreate(symbol: string): SymbolExposure {
    let state = this.#symbols.get(symbol);
    if (state === undefined) {
      state = new SymbolExposure(symbol, this.#positions.ledger(symbol));
      this.#symbols.set(symbol, state);
    }
    return state;
  }

  symbols(): IterableIterator<SymbolExposure> {
    return this.#symbols.values();
  }

  order(clientOrderId: string): WorkingOrder | undefined {
    return this.#orders.get(clientOrderId);
  }

  workingOrders(): IterableIterator<WorkingOrder> {
    return this.#orders.values();
  }

  addWorkingOrder(order: WorkingOrder): void {
    if (this.#orders.has(order.clientOrderId)) return;
    const state = this.getOrCreate(order.symbol);
    this.#change(state, () => {
      this.#orders.set(order.clientOrderId, order);
      state.working.push(order);
      this.#adjustWorking(state, order.side, order.remainingQty, order.price, 1n);
    });
  }

  /** The order can no longer fill (canceled, expired, rejected, replaced, done): release what is left. */
  releaseWorkingOrder(clientOrderId: string): WorkingOrder | undefined {
    const order = this.#orders.get(clientOrderId);
    if (order === undefined) return undefined;
    const state = this.getOrCreate(order.symbol);
    this.#change(state, () => {
      this.#orders.delete(clientOrderId);
      this.#awaitingBooking.delete(clientOrderId);
      state.working.splice(state.working.indexOf(order), 1);
      this.#adjustWorking(state, order.side, order.remainingQty, order.price, -1n);
    });
    return order;
  }

  /**
   * The order is final: what is left of it goes, except the part the venue filled that the
   * position book has not booked yet (`unbookedQty`). That part stays working until its fills are
   * booked: the position does not hold it yet, and without it an exit already filled at the venue
   * would leave room for a second one (found by simtest seeds 1157, 4397 and 5892).
   */
  finishWorkingOrder(clientOrderId: string, unbookedQty: Fixed): WorkingOrder | undefined {
    const order = this.#orders.get(clientOrderId);
    if (order === undefined) return undefined;
    const stillToBook = min(unbookedQty, order.remainingQty);
    if (stillToBook <= 0n) return this.releaseWorkingOrder(clientOrderId);
    const state = this.getOrCreate(order.symbol);
    this.#change(state, () => {
      this.#adjustWorking(state, order.side, (order.remainingQty - stillToBook) as Fixed, order.price, -1n);
      order.remainingQty = stillToBook;
      order.finalAtVenue = true;
    });
    this.#awaitingBooking.add(clientOrderId);
    return order;
  }

  /**
   * After a reconciliation the book holds the venue's positions, fills it could not book included
   * (their order was forgotten, or the venue's position was taken): nothing is awaited any more.
   */
  releaseAwaitingBooking(): void {
    for (const clientOrderId of this.#awaitingBooking) this.releaseWorkingOrder(clientOrderId);
  }

  /** A fill the position book has just booked, with the P&L it realised there. */
  applyFill(fill: Fill, realized: Fixed, nowMs: number): FillOutcome {
    const order = this.#orders.get(fill.clientOrderId);
    const state = this.getOrCreate(fill.symbol);
    const qtyBefore = state.syncedQty;
    this.#change(state, () => {
      if (order !== undefined) {
        const consumed = min(fill.qty, order.remainingQty);
        this.#adjustWorking(state, order.side, consumed, order.price, -1n);
        order.remainingQty = (order.remainingQty - consumed) as Fixed;
        if (order.remainingQty === 0n) {
          this.#orders.delete(order.clientOrderId);
          this.#awaitingBooking.delete(order.clientOrderId);
          state.working.splice(state.working.indexOf(order), 1);
        }
      }
      state.syncPosition();
    });
    const qtyAfter = state.position.qty;
    state.roundTripRealized += realized;
    let closedTradePnl: Fixed | null = null;
    const closed = qtyBefore !== 0n && (qtyAfter === 0n || qtyAfter > 0n !== qtyBefore > 0n);
    if (closed) {
      closedTradePnl = state.roundTripRealized as Fixed;
      state.roundTripRealized = 0n;
    }
    if (qtyAfter === 0n) state.openedAtMs = 0;
    else if (qtyBefore === 0n || closed) state.openedAtMs = nowMs;
    return {
      symbol: state,
      realized,
      qtyBefore,
      qtyAfter,
      strategyId: order?.strategyId ?? null,
      closedTradePnl,
    };
  }

  /** Takes every position as the book now holds it (after reconciliation); working orders are kept. */
  syncPositions(nowMs: number): void {
    for (const symbol of this.#positions.symbols()) this.getOrCreate(symbol);
    for (const state of this.#symbols.values()) {
      const before = state.syncedQty;
      this.#change(state, () => state.syncPosition());
      const qty = state.syncedQty;
      if (qty === 0n) state.openedAtMs = 0;
      else if (before !== qty) state.openedAtMs = nowMs;
    }
  }

  #adjustWorking(state: SymbolExposure, side: OrderSide, qty: Fixed, price: Fixed, sign: bigint): void {
    const raw = sign * notionalRaw(price, qty);
    if (side === 'buy') {
      state.workingBuyQty += sign * qty;
      state.workingBuyRaw += raw;
    } else {
      state.workingSellQty += sign * qty;
      state.workingSellRaw += raw;
    }
    this.workingRaw += raw;
  }

  /** Every change goes through here so the aggregates move with the symbol's exposure. */
  #change(state: SymbolExposure, apply: () => void): void {
    const before = state.exposureRaw;
    const wasOpen = isOpen(state);
    apply();
    state.recompute();
    this.grossRaw += state.exposureRaw - before;
    this.openSymbols += (isOpen(state) ? 1 : 0) - (wasOpen ? 1 : 0);
  }
}

function isOpen(state: SymbolExposure): boolean {
  return state.position.qty !== 0n || state.working.length > 0;
}
