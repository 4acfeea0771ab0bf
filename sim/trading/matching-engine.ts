/**
 * The simulated venue and broker behind the trading REST: accepts orders (admitted by
 * order-admission.ts), routes them after a configurable latency, fills them against the
 * QuoteSource, books fills in the ledger and emits Alpaca trade-update events.
 *
 * Lifecycle (docs/alpaca-protocol.md §2.7): an accepted order is pending_new; after the latency
 * it is routed (new, or accepted until the session it may trade in opens) and works against
 * quotes; cancels and replaces are requested (pending_cancel / pending_replace) and take effect
 * after the latency, so a fill can win the race (order_cancel_rejected / order_replace_rejected). Day orders expire at the session's close;
 * opg and cls orders execute whole at the quote midpoint in the open / close auction (a
 * simplification: no auction book) or expire. In 'nyse' hours a working gtc order is
 * done_for_day at the regular close and new again at the next open.
 *
 * Everything runs on the injected clock and scheduler, so on a virtual clock the same inputs
 * and seed give the same fills, ids and events.
 */

import type { SlippageModel } from '../../shared/broker/alpaca/slippage-model.ts';
import {
  abs,
  add,
  type Fixed,
  fixedFromNumber,
  fixedToNumber,
  formatFixed as fmt,
  percentOf,
  SCALE,
  sub,
  ZERO,
} from '../../shared/domain/fixed.ts';
import type { Quote } from '../../shared/domain/market-data.ts';
import { isTerminalStatus, type OrderStatus } from '../../shared/domain/order.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { type SessionPhase, sessionDateOf } from '../../shared/time/nyse-calendar.ts';
import type { QuoteSource } from '../market/quote-source.ts';
import { AccountExposure } from './account-exposure.ts';
import type { AccountLedger } from './account-ledger.ts';
import { type ApiResult, apiErrors, fail, ok } from './api-error.ts';
import type { AssetCatalog } from './asset-catalog.ts';
import { auctionExecution, type Execution, takerExecution, updateTrigger } from './fill-model.ts';
import type { SeededIds } from './ids.ts';
import type { MarketSession } from './market-session.ts';
import { type Admission, OrderAdmission } from './order-admission.ts';
import type { OrderRequest, ReplaceRequest } from './order-request.ts';
import type { SimOrder } from './sim-order.ts';
import type { TaskScheduler } from './task-scheduler.ts';

export const TRADE_UPDATE_EVENTS = [
  'pending_new',
  'accepted',
  'new',
  'partial_fill',
  'fill',
  'canceled',
  'expired',
  'done_for_day',
  'replaced',
  'rejected',
  'pending_cancel',
  'pending_replace',
  'order_cancel_rejected',
  'order_replace_rejected',
] as const;
export type TradeUpdateEvent = (typeof TRADE_UPDATE_EVENTS)[number];

export interface ExecutionReport {
  readonly id: string;
  readonly price: Fixed;
  readonly qty: Fixed;
  readonly positionQty: Fixed;
}

/** One event as the engine emits it; the order is a snapshot taken at emission. */
export interface OrderEvent {
  readonly event: TradeUpdateEvent;
  readonly order: SimOrder;
  readonly timestampUs: number;
  readonly execution?: ExecutionReport;
}

export interface MatchingEngineDeps {
  readonly clock: Clock;
  readonly scheduler: TaskScheduler;
  readonly session: MarketSession;
  readonly quotes: QuoteSource;
  readonly assets: AssetCatalog;
  readonly ledger: AccountLedger;
  readonly ids: SeededIds;
  /** Delay between a request and its effect at the venue (routing, cancel, replace). */
  readonly latencyMs: number;
  readonly slippage: SlippageModel;
}

export interface OrderFilter {
  readonly status: 'open' | 'closed' | 'all';
  readonly limit: number;
  readonly afterUs: number | null;
  readonly untilUs: number | null;
  readonly direction: 'asc' | 'desc';
  readonly symbols: ReadonlySet<string> | null;
  readonly side: 'buy' | 'sell' | null;
}

/** Liquidity taken from the current quote of a symbol, so two orders cannot both take its size. */
interface QuoteLiquidity {
  readonly quote: Quote;
  readonly bid: Fixed;
  readonly ask: Fixed;
  readonly bidSize: Fixed;
  readonly askSize: Fixed;
  bidUsed: Fixed;
  askUsed: Fixed;
}

const REPLACE_BLOCKING: ReadonlySet<OrderStatus> = new Set([
  'accepted',
  'pending_new',
  'pending_cancel',
  'pending_replace',
]);

export class MatchingEngine {
  readonly #deps: MatchingEngineDeps;
  readonly #orders: SimOrder[] = [];
  readonly #byId = new Map<string, SimOrder>();
  readonly #byClientId = new Map<string, SimOrder>();
  /** Non-terminal orders in submission order: holds and reservations scan these, never the history. */
  readonly #open = new Set<SimOrder>();
  /** Routed, non-terminal, continuously matching orders per symbol, in submission order. */
  readonly #working = new Map<string, SimOrder[]>();
  readonly #liquidity = new Map<string, QuoteLiquidity>();
  readonly #listeners = new Set<(event: OrderEvent) => void>();
  readonly #unsubscribeQuotes: () => void;
  #seq = 0;
  #rejectNext = 0;
  readonly #halted = new Set<string>();
  readonly #admission: OrderAdmission;
  /** The account's commitments (holds, reservations, buying power) over the open orders. */
  readonly exposure: AccountExposure;
  /** The session phase, updated at each phase boundary so the per-quote path never computes it. */
  #phase: SessionPhase;

  constructor(deps: MatchingEngineDeps) {
    this.#deps = deps;
    this.#phase = deps.session.phase(deps.clock.nowMs());
    this.exposure = new AccountExposure(deps.ledger, deps.quotes, this.#open);
    this.#admission = new OrderAdmission({
      ...deps,
      exposure: this.exposure,
      clientOrderIdTaken: (clientOrderId) => this.#byClientId.has(clientOrderId),
      open: this.#open,
    });
    this.#unsubscribeQuotes = deps.quotes.onQuote((quote) => this.#onQuote(quote));
    this.#armPhaseBoundary();
  }

  close(): void {
    this.#unsubscribeQuotes();
    this.#listeners.clear();
  }

  onEvent(listener: (event: OrderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A trading halt (from the market's status messages): orders on the symbol wait, then resume. */
  setHalted(symbol: string, halted: boolean): void {
    if (halted) {
      this.#halted.add(symbol);
      return;
    }
    if (!this.#halted.delete(symbol)) return;
    const quote = this.#deps.quotes.latestQuote(symbol);
    if (quote !== undefined) this.#onQuote(quote);
  }

  /** Fault injection: the next `count` orders are accepted, then rejected at routing. */
  rejectNextOrders(count: number): void {
    this.#rejectNext = count;
  }

  getOrder(id: string): SimOrder | undefined {
    return this.#byId.get(id);
  }

  getOrderByClientId(clientOrderId: string): SimOrder | undefined {
    return this.#byClientId.get(clientOrderId);
  }

  listOrders(filter: OrderFilter): SimOrder[] {
    const source = filter.status === 'open' ? [...this.#open] : this.#orders;
    const matches = source.filter((order) => {
      const terminal = isTerminalStatus(order.status);
      if (filter.status === 'open' && terminal) return false;
      if (filter.status === 'closed' && !terminal) return false;
      if (filter.afterUs !== null && order.submittedUs <= filter.afterUs) return false;
      if (filter.untilUs !== null && order.submittedUs >= filter.untilUs) return false;
      if (filter.symbols !== null && !filter.symbols.has(order.symbol)) return false;
      if (filter.side !== null && order.side !== filter.side) return false;
      return true;
    });
    if (filter.direction === 'desc') matches.reverse();
    return matches.slice(0, filter.limit);
  }

  openOrders(): SimOrder[] {
    return [...this.#open];
  }

  submit(request: OrderRequest): ApiResult<SimOrder> {
    const checked = this.#admission.admit(request, null);
    if (!checked.ok) return checked;
    const order = this.#create(request, checked.value, null);
    this.#emit('pending_new', order);
    this.#deps.scheduler.after(this.#deps.latencyMs, () => this.#route(order));
    return ok(order);
  }

  cancel(id: string): ApiResult<SimOrder> {
    const order = this.#byId.get(id);
    if (order === undefined) return fail(apiErrors.notFound('order not found'));
    if (isTerminalStatus(order.status) || order.status === 'pending_cancel') {
      return fail(apiErrors.unprocessable(`order is already in "${order.status}" state`));
    }
    if (order.status === 'pending_replace') {
      // Alpaca refuses to cancel an order while a replace is in flight; it says so on the stream.
      this.#deps.scheduler.after(this.#deps.latencyMs, () => this.#emit('order_cancel_rejected', order));
      return ok(order);
    }
    this.#setStatus(order, 'pending_cancel');
    this.#emit('pending_cancel', order);
    this.#deps.scheduler.after(this.#deps.latencyMs, () => this.#finishCancel(order));
    return ok(order);
  }

  replace(id: string, request: ReplaceRequest): ApiResult<SimOrder> {
    const old = this.#byId.get(id);
    if (old === undefined) return fail(apiErrors.notFound('order not found'));
    if (isTerminalStatus(old.status)) {
      return fail(apiErrors.unprocessable(`order is already in "${old.status}" state`));
    }
    if (REPLACE_BLOCKING.has(old.status)) {
      return fail(apiErrors.unprocessable(`cannot replace order in ${old.status} status`));
    }
    if (old.notional !== null) return fail(apiErrors.unprocessable('notional orders cannot be replaced'));
    const priced = old.type === 'limit' || old.type === 'stop_limit';
    const stopped = old.type === 'stop' || old.type === 'stop_limit';
    if (request.limitPrice !== null && !priced) {
      return fail(apiErrors.unprocessable(`limit_price cannot be replaced on ${old.type} orders`));
    }
    if (request.stopPrice !== null && !stopped) {
      return fail(apiErrors.unprocessable(`stop_price cannot be replaced on ${old.type} orders`));
    }
    if (request.trail !== null && (old.type !== 'trailing_stop' || old.triggered)) {
      return fail(
        apiErrors.unprocessable('trail can only be replaced on a trailing_stop order that has not triggered'),
      );
    }
    const replacement: OrderRequest = {
      symbol: old.symbol,
      side: old.side,
      type: old.type,
      timeInForce: request.timeInForce ?? old.timeInForce,
      qty: request.qty ?? sub(old.qty!, old.filledQty),
      notional: null,
      limitPrice: request.limitPrice ?? old.limitPrice,
      stopPrice: stopped ? (request.stopPrice ?? old.stopPrice) : null,
      trailPrice: old.trailPrice !== null ? (request.trail ?? old.trailPrice) : null,
      trailPercent: old.trailPercent !== null ? (request.trail ?? old.trailPercent) : null,
      extendedHours: old.extendedHours,
      clientOrderId: request.clientOrderId,
    };
    const checked = this.#admission.admit(replacement, old);
    if (!checked.ok) return checked;
    const order = this.#create(replacement, checked.value, old.id);
    this.#setStatus(old, 'pending_replace');
    this.#emit('pending_replace', old);
    this.#deps.scheduler.after(this.#deps.latencyMs, () => this.#finishReplace(old, order));
    return ok(order);
  }

  /** Closes (part of) a position with a market order; `percentage` is 0–100. */
  closePosition(
    symbol: string,
    amount: { qty: Fixed | null; percentage: Fixed | null },
  ): ApiResult<SimOrder> {
    const asset = this.#deps.assets.find(symbol);
    const position = asset === undefined ? undefined : this.#deps.ledger.position(asset.symbol);
    if (asset === undefined || position === undefined)
      return fail(apiErrors.notFound('position does not exist'));
    const held = abs(position.qty);
    let qty = held;
    if (amount.qty !== null) {
      if (amount.qty > held) {
        return fail(
          apiErrors.forbidden(
            `insufficient qty available for order (requested: ${fmt(amount.qty)}, available: ${fmt(held)})`,
            {
              available: fmt(held),
              existing_qty: fmt(held),
              held_for_orders: '0',
              symbol: asset.symbol,
            },
          ),
        );
      }
      qty = amount.qty;
    } else if (amount.percentage !== null) {
      qty = percentOf(held, amount.percentage);
      if (!asset.fractionable) qty = ((qty / SCALE) * SCALE) as Fixed;
      if (qty <= 0n) return fail(apiErrors.unprocessable('percentage closes less than the minimum quantity'));
    }
    return this.submit({
      symbol: asset.symbol,
      side: position.qty > 0n ? 'sell' : 'buy',
      type: 'market',
      timeInForce: asset.class === 'crypto' ? 'gtc' : 'day',
      qty,
      notional: null,
      limitPrice: null,
      stopPrice: null,
      trailPrice: null,
      trailPercent: null,
      extendedHours: false,
      clientOrderId: null,
    });
  }

  /** Matches every working order against its symbol's latest quote (after a phase change). */
  #sweep(): void {
    for (const [symbol, orders] of this.#working) {
      const quote = this.#deps.quotes.latestQuote(symbol);
      if (quote === undefined) continue;
      for (const order of [...orders]) this.#tryMatch(order, quote);
    }
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  #create(request: OrderRequest, checked: Admission, replaces: string | null): SimOrder {
    const nowUs = this.#deps.clock.nowUs();
    const order: SimOrder = {
      id: this.#deps.ids.uuid(),
      seq: this.#seq++,
      clientOrderId: request.clientOrderId ?? this.#deps.ids.uuid(),
      symbol: checked.asset.symbol,
      assetId: checked.asset.id,
      assetClass: checked.asset.class,
      side: request.side,
      type: request.type,
      timeInForce: request.timeInForce,
      qty: request.qty,
      notional: request.notional,
      limitPrice: request.limitPrice,
      limitFloat: request.limitPrice === null ? Number.NaN : fixedToNumber(request.limitPrice),
      stopPrice: request.stopPrice,
      trailPrice: request.trailPrice,
      trailPercent: request.trailPercent,
      extendedHours: request.extendedHours,
      positionIntent: checked.intent,
      reservedNotional: checked.reserved,
      status: 'pending_new',
      filledQty: ZERO,
      filledValueRaw: 0n,
      hwm: null,
      triggered: false,
      routed: false,
      createdUs: nowUs,
      updatedUs: nowUs,
      submittedUs: nowUs,
      filledUs: null,
      expiredUs: null,
      canceledUs: null,
      failedUs: null,
      replacedUs: null,
      replacedBy: null,
      replaces,
    };
    this.#orders.push(order);
    this.#open.add(order);
    this.#byId.set(order.id, order);
    this.#byClientId.set(order.clientOrderId, order);
    return order;
  }

  #route(order: SimOrder): void {
    if (isTerminalStatus(order.status) || order.routed) return;
    if (this.#rejectNext > 0) {
      this.#rejectNext--;
      this.#finish(order, 'rejected');
      return;
    }
    order.routed = true;
    if (order.status === 'pending_new') {
      // Outside the hours it may trade in, Alpaca holds an order as accepted until the session opens.
      const continuous = order.timeInForce !== 'opg' && order.timeInForce !== 'cls';
      const waits =
        continuous &&
        order.timeInForce !== 'ioc' &&
        order.timeInForce !== 'fok' &&
        !this.#sessionAllows(order);
      this.#setStatus(order, waits ? 'accepted' : 'new');
      this.#emit(waits ? 'accepted' : 'new', order);
    }
    const session = this.#deps.session;
    const now = this.#deps.clock.nowMs();
    if (order.timeInForce === 'day') {
      this.#deps.scheduler.schedule(session.dayOrderExpiryMs(now, order.extendedHours), () =>
        this.#expire(order),
      );
    }
    if (order.timeInForce === 'opg' || order.timeInForce === 'cls') {
      const auctionMs = order.timeInForce === 'opg' ? session.nextOpenMs(now) : session.nextCloseMs(now);
      this.#deps.scheduler.schedule(auctionMs, () => this.#auction(order));
      return;
    }
    let working = this.#working.get(order.symbol);
    if (working === undefined) {
      working = [];
      this.#working.set(order.symbol, working);
    }
    working.push(order);
    const quote = this.#deps.quotes.latestQuote(order.symbol);
    if (quote !== undefined) this.#tryMatch(order, quote);
    if ((order.timeInForce === 'ioc' || order.timeInForce === 'fok') && !isTerminalStatus(order.status)) {
      this.#finish(order, 'canceled');
    }
  }

  #finishCancel(order: SimOrder): void {
    if (order.status === 'pending_cancel') this.#finish(order, 'canceled');
    else if (isTerminalStatus(order.status)) this.#emit('order_cancel_rejected', order);
  }

  #finishReplace(old: SimOrder, replacement: SimOrder): void {
    if (isTerminalStatus(old.status)) {
      this.#setStatus(replacement, 'rejected');
      replacement.failedUs = this.#deps.clock.nowUs();
      this.#emit('order_replace_rejected', old);
      return;
    }
    const nowUs = this.#deps.clock.nowUs();
    old.replacedUs = nowUs;
    old.replacedBy = replacement.id;
    this.#finish(old, 'replaced');
    this.#route(replacement);
  }

  #expire(order: SimOrder): void {
    if (!isTerminalStatus(order.status)) this.#finish(order, 'expired');
  }

  #auction(order: SimOrder): void {
    if (isTerminalStatus(order.status)) return;
    const quote = this.#deps.quotes.latestQuote(order.symbol);
    const execution =
      quote === undefined
        ? undefined
        : auctionExecution(order, fixedFromNumber(quote.bidPrice), fixedFromNumber(quote.askPrice));
    if (execution === undefined) this.#finish(order, 'expired');
    else this.#execute(order, execution);
  }

  /** Moves an order to a terminal status other than filled, with its event. */
  #finish(order: SimOrder, status: 'canceled' | 'expired' | 'rejected' | 'replaced'): void {
    const nowUs = this.#deps.clock.nowUs();
    this.#setStatus(order, status);
    if (status === 'canceled') order.canceledUs = nowUs;
    if (status === 'expired') order.expiredUs = nowUs;
    if (status === 'rejected') order.failedUs = nowUs;
    this.#removeWorking(order);
    this.#emit(status, order);
  }

  #setStatus(order: SimOrder, status: OrderStatus): void {
    order.status = status;
    order.updatedUs = this.#deps.clock.nowUs();
    if (isTerminalStatus(status)) this.#open.delete(order);
  }

  #removeWorking(order: SimOrder): void {
    const working = this.#working.get(order.symbol);
    if (working === undefined) return;
    const index = working.indexOf(order);
    if (index >= 0) working.splice(index, 1);
    if (working.length === 0) this.#working.delete(order.symbol);
  }

  // ---- matching ------------------------------------------------------------------------------

  #onQuote(quote: Quote): void {
    const working = this.#working.get(quote.symbol);
    if (working === undefined) return;
    let candidates: SimOrder[] | undefined;
    for (const order of working) {
      // A plain limit order the touch does not reach cannot execute: the common case, kept cheap.
      if (
        order.type === 'limit' &&
        (order.side === 'buy' ? quote.askPrice > order.limitFloat : quote.bidPrice < order.limitFloat)
      ) {
        continue;
      }
      if (candidates === undefined) candidates = [order];
      else candidates.push(order);
    }
    if (candidates === undefined) return;
    for (const order of candidates) this.#tryMatch(order, quote);
  }

  #canTrade(order: SimOrder): boolean {
    if (this.#halted.size > 0 && this.#halted.has(order.symbol)) return false;
    if (order.status === 'done_for_day' || order.status === 'accepted') return false;
    return this.#sessionAllows(order);
  }

  /** Whether the current session phase lets this order trade (crypto always may). */
  #sessionAllows(order: SimOrder): boolean {
    if (order.assetClass === 'crypto') return true;
    const phase = this.#phase;
    if (phase === 'regular') return true;
    return order.extendedHours && (phase === 'pre_market' || phase === 'after_hours');
  }

  #liquidityFor(quote: Quote): QuoteLiquidity {
    const current = this.#liquidity.get(quote.symbol);
    if (current !== undefined && current.quote === quote) return current;
    const fresh: QuoteLiquidity = {
      quote,
      bid: fixedFromNumber(quote.bidPrice),
      ask: fixedFromNumber(quote.askPrice),
      bidSize: fixedFromNumber(quote.bidSize),
      askSize: fixedFromNumber(quote.askSize),
      bidUsed: ZERO,
      askUsed: ZERO,
    };
    this.#liquidity.set(quote.symbol, fresh);
    return fresh;
  }

  #tryMatch(order: SimOrder, quote: Quote): void {
    if (isTerminalStatus(order.status) || !order.routed || !this.#canTrade(order)) return;
    if (!(quote.bidPrice > 0 && quote.askPrice > 0)) return;
    const liquidity = this.#liquidityFor(quote);
    if (!updateTrigger(order, liquidity.bid, liquidity.ask)) return;
    const buy = order.side === 'buy';
    const execution = takerExecution(
      order,
      {
        price: buy ? liquidity.ask : liquidity.bid,
        available: buy
          ? sub(liquidity.askSize, liquidity.askUsed)
          : sub(liquidity.bidSize, liquidity.bidUsed),
        displayed: buy ? liquidity.askSize : liquidity.bidSize,
      },
      this.#deps.slippage,
      order.timeInForce === 'fok',
    );
    if (execution === undefined) return;
    if (buy) liquidity.askUsed = add(liquidity.askUsed, execution.qty);
    else liquidity.bidUsed = add(liquidity.bidUsed, execution.qty);
    this.#execute(order, execution);
  }

  #execute(order: SimOrder, execution: Execution): void {
    const nowUs = this.#deps.clock.nowUs();
    order.filledQty = add(order.filledQty, execution.qty);
    order.filledValueRaw += execution.qty * execution.price;
    const positionQty = this.#deps.ledger.applyFill(
      order.symbol,
      order.side,
      execution.qty,
      execution.price,
      sessionDateOf(Math.floor(nowUs / 1000)),
    );
    if (execution.completes) {
      this.#setStatus(order, 'filled');
      order.filledUs = nowUs;
      this.#removeWorking(order);
    } else if (order.status === 'new' || order.status === 'pending_new' || order.status === 'accepted') {
      this.#setStatus(order, 'partially_filled');
    } else {
      order.updatedUs = nowUs;
    }
    this.#emit(execution.completes ? 'fill' : 'partial_fill', order, {
      id: this.#deps.ids.uuid(),
      price: execution.price,
      qty: execution.qty,
      positionQty,
    });
  }

  // ---- session boundaries --------------------------------------------------------------------

  #armPhaseBoundary(): void {
    const next = this.#deps.session.nextPhaseChangeMs(this.#deps.clock.nowMs());
    if (next === undefined) return;
    this.#deps.scheduler.schedule(next, () => {
      this.#onPhaseChange();
      this.#armPhaseBoundary();
    });
  }

  #onPhaseChange(): void {
    const phase = this.#deps.session.phase(this.#deps.clock.nowMs());
    this.#phase = phase;
    for (const orders of this.#working.values()) {
      for (const order of orders) {
        if (order.assetClass === 'crypto') continue;
        const active = order.status === 'new' || order.status === 'partially_filled';
        if (phase === 'after_hours' && order.timeInForce === 'gtc' && !order.extendedHours && active) {
          this.#setStatus(order, 'done_for_day');
          this.#emit('done_for_day', order);
        } else if (
          (order.status === 'done_for_day' || order.status === 'accepted') &&
          this.#sessionAllows(order)
        ) {
          this.#setStatus(order, order.filledQty > 0n ? 'partially_filled' : 'new');
          this.#emit('new', order);
        }
      }
    }
    this.#sweep();
  }

  #emit(event: TradeUpdateEvent, order: SimOrder, execution?: ExecutionReport): void {
    const snapshot = { ...order };
    const timestampUs = this.#deps.clock.nowUs();
    const update: OrderEvent =
      execution === undefined
        ? { event, order: snapshot, timestampUs }
        : { event, order: snapshot, timestampUs, execution };
    for (const listener of this.#listeners) listener(update);
  }
}
