/**
 * The simulated venue and broker behind the trading REST: accepts orders (admitted by
 * order-admission.ts), routes them after a configurable latency, fills them against the
 * QuoteSource, books fills in the ledger and emits Alpaca trade-update events.
 *
 * Lifecycle (https://docs.alpaca.markets/docs/orders-at-alpaca): an accepted order is
 * pending_new; after the latency it is routed (new, or accepted until the session it may trade in
 * opens) and works against quotes; cancels and replaces are requested (pending_cancel /
 * pending_replace) and take effect after the latency, so a fill can win the race
 * (order_cancel_rejected / order_replace_rejected). Day orders expire at the session's close;
 * opg and cls orders execute whole at the quote midpoint in the open / close auction (a
 * simplification: no auction book) or expire. In 'nyse' hours a working gtc order is
 * done_for_day at the regular close and new again at the next open. A bracket, oco or oto
 * order is a parent with legs; how the orders of such a group act on each other is
 * order-groups.ts's.
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
  formatFixed as fmt,
  percentOf,
  SCALE,
  sub,
  ZERO,
} from '../../shared/domain/fixed.ts';
import { mulFixed } from '../../shared/domain/fixed-mul.ts';
import type { Quote } from '../../shared/domain/market-data.ts';
import type { OrderStatus } from '../../shared/domain/order.ts';
import type { FeeSchedule } from '../../shared/domain/regulatory-fees.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { addDays, newYorkToUtcMs, newYorkWallTime } from '../../shared/time/new-york-time.ts';
import { type SessionPhase, sessionDateOf } from '../../shared/time/nyse-calendar.ts';
import type { QuoteSource } from '../market/quote-source.ts';
import { AccountExposure } from './account-exposure.ts';
import type { AccountLedger } from './account-ledger.ts';
import { type ApiResult, apiErrors, fail, ok } from './api-error.ts';
import type { AssetCatalog } from './asset-catalog.ts';
import { type BarRange, barExecution } from './bar-fill-rule.ts';
import { ClosedOrders } from './closed-orders.ts';
import { auctionExecution, type Execution, takerExecution, updateTrigger } from './fill-model.ts';
import type { SeededIds } from './ids.ts';
import { OpenOrders } from './open-orders.ts';
import { type Admission, OrderAdmission } from './order-admission.ts';
import { exitSide } from './order-class-rules.ts';
import { OrderGroups } from './order-groups.ts';
import { OrderIndex } from './order-index.ts';
import { exitIntent, legRequests } from './order-legs.ts';
import type { SimOrderRequest, SimReplaceRequest } from './order-request.ts';
import type { SessionCalendar } from './session-calendar.ts';
import { isTerminal, NO_LEGS, type OrderLink, SimOrder } from './sim-order.ts';
import type { ScheduledTask, TaskScheduler } from './task-scheduler.ts';

/**
 * The trade-update events the simulator sends: Alpaca's (tradeUpdateEventSchema in
 * shared/broker/alpaca/trading-schemas.ts) less stopped, calculated and suspended.
 */
const SIM_TRADE_UPDATE_EVENTS = [
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
export type SimTradeUpdateEvent = (typeof SIM_TRADE_UPDATE_EVENTS)[number];

export interface ExecutionReport {
  readonly id: string;
  readonly price: Fixed;
  readonly qty: Fixed;
  readonly positionQty: Fixed;
  /** Fees and commission charged on this execution (FeeSchedule); zero without a schedule. */
  readonly fee: Fixed;
  /** What slippage cost against the unslipped price, in dollars (never negative). */
  readonly slippageCost: Fixed;
}

/**
 * A live event (onLiveEvent): the engine's own order record, passed as arguments, not as an
 * OrderEvent object built per event.
 */
export type LiveEventListener = (
  event: SimTradeUpdateEvent,
  order: SimOrder,
  timestampUs: number,
  execution: ExecutionReport | undefined,
) => void;

/** One event as the engine emits it; the order is a snapshot taken at emission. */
export interface OrderEvent {
  readonly event: SimTradeUpdateEvent;
  readonly order: SimOrder;
  readonly timestampUs: number;
  readonly execution?: ExecutionReport;
}

export interface MatchingEngineDeps {
  readonly clock: Clock;
  readonly scheduler: TaskScheduler;
  readonly session: SessionCalendar;
  readonly quotes: QuoteSource;
  readonly assets: AssetCatalog;
  readonly ledger: AccountLedger;
  readonly ids: SeededIds;
  /** Delay between a request and its effect at the venue (routing, cancel, replace). */
  readonly latencyMs: number;
  readonly slippage: SlippageModel;
  /** Fees charged per execution; none when absent (the simulator's default). */
  readonly fees?: FeeSchedule;
  /**
   * 'quotes' (default): orders work against the QuoteSource's quotes as they come. 'bars': they
   * work only against the bars handed to matchBar (bar-fill-rule.ts), each from the first bar that
   * starts after it was routed; a day order lives through the session date of the first bar it
   * meets and expires when a bar of a later one arrives.
   */
  readonly matching?: 'quotes' | 'bars';
  /**
   * How many closed orders stay known (by id, by client_order_id, in listings); older ones are
   * forgotten, oldest closed first. Undefined: every order, as Alpaca keeps them. A long backtest
   * bounds it so its memory stays flat; a parent is kept while any of its legs is open.
   */
  readonly closedOrderLimit?: number;
}

export interface OrderFilter {
  readonly status: 'open' | 'closed' | 'all';
  readonly limit: number;
  readonly afterUs: number | null;
  readonly untilUs: number | null;
  readonly direction: 'asc' | 'desc';
  readonly symbols: ReadonlySet<string> | null;
  readonly side: 'buy' | 'sell' | null;
  /** Legs inside their parent's `legs` instead of listed on their own (GET /v2/orders?nested=true). */
  readonly nested: boolean;
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
  'held',
  'accepted',
  'pending_new',
  'pending_cancel',
  'pending_replace',
]);

export class MatchingEngine {
  readonly #deps: MatchingEngineDeps;
  /** Closed orders in the order they closed (with closedOrderLimit only). */
  readonly #closed: ClosedOrders;
  /** Every known order by id, in submission order: the listing's source. */
  readonly #byId = new OrderIndex(idOf);
  readonly #byClientId = new OrderIndex(clientOrderIdOf);
  /** Non-terminal orders in submission order: holds and reservations scan these, never the history. */
  readonly #open = new OpenOrders();
  /** Routed, non-terminal, continuously matching orders per symbol, in submission order. */
  readonly #working = new Map<string, SimOrder[]>();
  readonly #liquidity = new Map<string, QuoteLiquidity>();
  /** The pending expiry of each working day order, canceled when the order ends sooner. */
  readonly #expiries = new Map<SimOrder, ScheduledTask>();
  /** The session date fills are booked under, for the New York day it was computed in. */
  #sessionDate = { fromMs: 0, untilMs: 0, date: '' };
  readonly #listeners = new Set<(event: OrderEvent) => void>();
  readonly #liveListeners = new Set<LiveEventListener>();
  readonly #unsubscribeQuotes: () => void;
  readonly #unsubscribeCalendar: () => void;
  /** Bumped when the closed dates change, so a boundary armed for the old calendar does nothing. */
  #calendarGeneration = 0;
  #seq = 0;
  #rejectNext = 0;
  /** The slow-cancel fault: how many more cancels, and how long each stays pending_cancel. */
  #slowCancels = { count: 0, ms: 0 };
  /** The fill-before-cancel fault: how many more cancels lose the race to a fill. */
  #filledBeforeCancel = 0;
  readonly #halted = new Set<string>();
  readonly #admission: OrderAdmission;
  readonly #groups: OrderGroups;
  /** The account's commitments (holds, reservations, buying power) over the open orders. */
  readonly exposure: AccountExposure;
  /** The session phase, updated at each phase boundary so the per-quote path never computes it. */
  #phase: SessionPhase;
  readonly #barMatching: boolean;
  /** Bar matching: the session date of the first bar each day order met. */
  readonly #barSessions = new WeakMap<SimOrder, string>();
  /** Routing as a scheduled task's function, shared by every submission (no closure per order). */
  readonly #routeTask = (order: SimOrder): void => this.#route(order);

  constructor(deps: MatchingEngineDeps) {
    this.#deps = deps;
    // The limit, and the one just closed before the oldest is forgotten.
    this.#closed = new ClosedOrders((deps.closedOrderLimit ?? 0) + 1);
    this.#barMatching = deps.matching === 'bars';
    this.#phase = deps.session.phase(deps.clock.nowMs());
    this.exposure = new AccountExposure(deps.ledger, deps.quotes, this.#open);
    this.#admission = new OrderAdmission({
      ...deps,
      exposure: this.exposure,
      clientOrderIdTaken: (clientOrderId) => this.#byClientId.has(clientOrderId),
      open: this.#open,
    });
    this.#groups = new OrderGroups(this.#open, {
      activate: (leg) => this.#route(leg),
      cancel: (order) => this.#finish(order, 'canceled'),
      order: (id) => this.#byId.get(id),
    });
    this.#unsubscribeQuotes = deps.quotes.onQuote((quote) => this.#onQuote(quote));
    this.#unsubscribeCalendar = deps.session.onChange(() => this.#onCalendarChange());
    this.#armPhaseBoundary();
  }

  close(): void {
    this.#unsubscribeQuotes();
    this.#unsubscribeCalendar();
    this.#listeners.clear();
    this.#liveListeners.clear();
  }

  /** Every event, with a snapshot of the order as it stood: the listener may keep it. */
  onEvent(listener: (event: OrderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Every event, with the engine's own order record instead of a snapshot: for a listener that
   * reads (or copies) the order during the call and keeps nothing of it, such as the in-process
   * venue, which maps it to a domain order at once.
   */
  onLiveEvent(listener: LiveEventListener): () => void {
    this.#liveListeners.add(listener);
    return () => this.#liveListeners.delete(listener);
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

  /**
   * Fault injection: the next `count` cancels are accepted but the orders stay pending_cancel for
   * `ms` before they are canceled, as Alpaca's do when the exchange is slow to confirm; an order
   * may still fill meanwhile.
   */
  slowNextCancels(count: number, ms: number): void {
    this.#slowCancels = { count, ms };
  }

  /**
   * Fault injection: the next `count` cancels of a working limit order lose the race to a fill —
   * what is left of the order executes at its limit just before the cancel arrives, and the
   * cancel is refused (422), as Alpaca refuses to cancel a filled order.
   */
  fillBeforeNextCancels(count: number): void {
    this.#filledBeforeCancel = count;
  }

  getOrder(id: string): SimOrder | undefined {
    return this.#byId.get(id);
  }

  getOrderByClientId(clientOrderId: string): SimOrder | undefined {
    return this.#byClientId.get(clientOrderId);
  }

  listOrders(filter: OrderFilter): SimOrder[] {
    // Nested, a parent stands for its group: open while any of its legs is.
    const source = filter.nested
      ? this.#byId.orders().filter((order) => order.parentId === null)
      : filter.status === 'open'
        ? [...this.#open]
        : this.#byId.orders();
    const matches = source.filter((order) => {
      const terminal = filter.nested
        ? [order, ...order.legs].every((member) => isTerminal(member.status))
        : isTerminal(order.status);
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

  /** Whether any routed, non-terminal order works on the symbol. */
  hasWorking(symbol: string): boolean {
    const working = this.#working.get(symbol);
    return working !== undefined && working.length > 0;
  }

  /**
   * Bar matching: the symbol's working orders meet one bar (bar-fill-rule.ts) at the clock's
   * instant, the bar's start.
   */
  matchBar(symbol: string, bar: BarRange): void {
    const working = this.#working.get(symbol);
    if (working === undefined || working.length === 0) return;
    const sessionDate = this.#sessionDateAt(this.#deps.clock.nowMs());
    for (const order of [...working]) {
      if (isTerminal(order.status) || !order.routed || !this.#canTrade(order)) continue;
      if (order.timeInForce === 'day') {
        const first = this.#barSessions.get(order);
        if (first === undefined) this.#barSessions.set(order, sessionDate);
        else if (first !== sessionDate) {
          this.#finish(order, 'expired');
          continue;
        }
      }
      const execution = barExecution(order, bar, this.#deps.slippage);
      if (execution !== undefined) this.#execute(order, execution);
      else if (order.timeInForce === 'ioc' || order.timeInForce === 'fok') this.#finish(order, 'canceled');
    }
  }

  submit(request: SimOrderRequest): ApiResult<SimOrder> {
    const checked = this.#admission.admit(request, null);
    if (!checked.ok) return checked;
    const order = this.#create(request, checked.value, null);
    const legs = this.#createLegs(order, request, checked.value);
    this.#emit('pending_new', order);
    this.#deps.scheduler.afterCall(this.#deps.latencyMs, this.#routeTask, order);
    for (const leg of legs) {
      if (leg.status !== 'pending_new') continue;
      this.#emit('pending_new', leg);
      this.#deps.scheduler.afterCall(this.#deps.latencyMs, this.#routeTask, leg);
    }
    return ok(order);
  }

  cancel(id: string): ApiResult<SimOrder> {
    const order = this.#byId.get(id);
    if (order === undefined) return fail(apiErrors.notFound('order not found'));
    if (this.#filledBeforeCancel > 0 && this.#fillsAtLimit(order)) {
      this.#filledBeforeCancel--;
      const remaining = (order.qty! - order.filledQty) as Fixed;
      this.#execute(order, {
        qty: remaining,
        price: order.limitPrice!,
        unslipped: order.limitPrice!,
        completes: true,
      });
    }
    if (isTerminal(order.status) || order.status === 'pending_cancel') {
      return fail(apiErrors.unprocessable(`order is already in "${order.status}" state`));
    }
    if (order.status === 'pending_replace') {
      // Alpaca refuses to cancel an order while a replace is in flight; it says so on the stream.
      this.#deps.scheduler.after(this.#deps.latencyMs, () => this.#emit('order_cancel_rejected', order));
      return ok(order);
    }
    this.#setStatus(order, 'pending_cancel');
    this.#emit('pending_cancel', order);
    let delayMs = this.#deps.latencyMs;
    if (this.#slowCancels.count > 0) {
      this.#slowCancels.count--;
      delayMs += this.#slowCancels.ms;
    }
    this.#deps.scheduler.after(delayMs, () => this.#finishCancel(order));
    return ok(order);
  }

  /** A working limit order that could trade now: what a fill racing its cancel may complete. */
  #fillsAtLimit(order: SimOrder): boolean {
    return (
      order.type === 'limit' &&
      order.limitPrice !== null &&
      order.qty !== null &&
      (order.status === 'new' || order.status === 'partially_filled') &&
      this.#canTrade(order)
    );
  }

  replace(id: string, request: SimReplaceRequest): ApiResult<SimOrder> {
    const old = this.#byId.get(id);
    if (old === undefined) return fail(apiErrors.notFound('order not found'));
    if (isTerminal(old.status)) {
      return fail(apiErrors.unprocessable(`order is already in "${old.status}" state`));
    }
    if (REPLACE_BLOCKING.has(old.status)) {
      return fail(apiErrors.unprocessable(`cannot replace order in ${old.status} status`));
    }
    if (old.notional !== null) return fail(apiErrors.unprocessable('notional orders cannot be replaced'));
    if (old.legs.length > 0 && old.orderClass !== 'oco') {
      return fail(
        apiErrors.unprocessable(
          `cannot replace the entry order of a ${old.orderClass} order; replace its legs`,
        ),
      );
    }
    const fixedInGroup = request.qty !== null ? 'qty' : request.timeInForce !== null ? 'time_in_force' : null;
    if (old.groupId !== null && fixedInGroup !== null) {
      return fail(
        apiErrors.unprocessable(
          `${fixedInGroup} cannot be replaced on an order of a ${old.orderClass} order; only limit_price and stop_price can`,
        ),
      );
    }
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
    const replacement: SimOrderRequest = {
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
    const order = this.#create(replacement, checked.value, old.id, { ...linkOf(old), status: 'pending_new' });
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

  /** `link`: a leg's or replacement's place in its group; without it, a new submission's own. */
  #create(request: SimOrderRequest, checked: Admission, replaces: string | null, link?: OrderLink): SimOrder {
    const id = this.#deps.ids.uuid();
    const clientOrderId = request.clientOrderId ?? this.#deps.ids.uuid();
    const nowUs = this.#deps.clock.nowUs();
    const order = new SimOrder(id, this.#seq++, clientOrderId, request, checked, nowUs, replaces, link);
    this.#open.add(order);
    this.#byId.add(order, order.idKey);
    this.#byClientId.add(order, order.clientOrderIdKey);
    return order;
  }

  /**
   * The legs of a bracket, oco or oto parent: exits that reserve no buying power. Bracket and
   * oto legs wait as held for their entry to fill; the oco stop-loss works beside its parent.
   */
  #createLegs(parent: SimOrder, request: SimOrderRequest, entry: Admission): readonly SimOrder[] {
    if (parent.orderClass === 'simple') return NO_LEGS;
    const exit: Admission = { asset: entry.asset, reserved: ZERO, intent: exitIntent(exitSide(request)) };
    const link: OrderLink = {
      orderClass: parent.orderClass,
      groupId: parent.id,
      ocoGroup: parent.orderClass === 'oto' ? null : parent.id,
      parentId: parent.id,
      status: parent.orderClass === 'oco' ? 'pending_new' : 'held',
    };
    parent.legs = legRequests(request).map((leg) => this.#create(leg, exit, null, link));
    return parent.legs;
  }

  #route(order: SimOrder): void {
    if (isTerminal(order.status) || order.routed) return;
    // The reject fault stands for the venue refusing a submission; legs are not submissions.
    if (this.#rejectNext > 0 && order.parentId === null) {
      this.#rejectNext--;
      this.#finish(order, 'rejected');
      return;
    }
    order.routed = true;
    if (order.status === 'pending_new' || order.status === 'held') {
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
    const now = this.#deps.clock.nowMs();
    if (order.timeInForce === 'opg' || order.timeInForce === 'cls') {
      this.#scheduleAuction(order, now);
      return;
    }
    let working = this.#working.get(order.symbol);
    if (working === undefined) {
      working = [];
      this.#working.set(order.symbol, working);
    }
    working.push(order);
    if (this.#barMatching) return;
    const quote = this.#deps.quotes.latestQuote(order.symbol);
    if (quote !== undefined) this.#tryMatch(order, quote);
    if ((order.timeInForce === 'ioc' || order.timeInForce === 'fok') && !isTerminal(order.status)) {
      this.#finish(order, 'canceled');
    }
    // A day order that filled on arrival has no expiry to schedule (and then cancel).
    if (order.timeInForce === 'day' && !isTerminal(order.status)) this.#scheduleExpiry(order, now);
  }

  #finishCancel(order: SimOrder): void {
    if (order.status === 'pending_cancel') this.#finish(order, 'canceled');
    // Canceled meanwhile (by its group, say) is what was asked for; anything else ended first.
    else if (isTerminal(order.status) && order.status !== 'canceled') {
      this.#emit('order_cancel_rejected', order);
    }
  }

  #finishReplace(old: SimOrder, replacement: SimOrder): void {
    if (isTerminal(old.status)) {
      this.#setStatus(replacement, 'rejected');
      replacement.failedUs = this.#deps.clock.nowUs();
      this.#emit('order_replace_rejected', old);
      return;
    }
    const nowUs = this.#deps.clock.nowUs();
    old.replacedUs = nowUs;
    old.replacedBy = replacement.id;
    this.#finish(old, 'replaced');
    this.#groups.afterReplaced(old, replacement);
    this.#route(replacement);
  }

  /**
   * A day order expires at the close of the session it belongs to; opg and cls orders meet the
   * next open or close auction. Each checks, when due, that its instant is still that session
   * time: a date closed meanwhile moves it to the next session's.
   */
  #scheduleExpiry(order: SimOrder, afterMs: number): void {
    const atMs = this.#deps.session.dayOrderExpiryMs(afterMs, order.extendedHours);
    const task = this.#deps.scheduler.schedule(atMs, () => {
      this.#expiries.delete(order);
      if (isTerminal(order.status)) return;
      if (this.#deps.session.dayOrderExpiryMs(atMs - 1, order.extendedHours) !== atMs) {
        this.#scheduleExpiry(order, atMs);
      } else {
        this.#finish(order, 'expired');
      }
    });
    this.#expiries.set(order, task);
  }

  #scheduleAuction(order: SimOrder, afterMs: number): void {
    const auctionAfter = (ms: number) =>
      order.timeInForce === 'opg' ? this.#deps.session.nextOpenMs(ms) : this.#deps.session.nextCloseMs(ms);
    const atMs = auctionAfter(afterMs);
    this.#deps.scheduler.schedule(atMs, () => {
      if (auctionAfter(atMs - 1) !== atMs) this.#scheduleAuction(order, atMs);
      else this.#auction(order);
    });
  }

  #auction(order: SimOrder): void {
    if (isTerminal(order.status)) return;
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
    if (status !== 'replaced') this.#groups.afterEnded(order, status);
  }

  #setStatus(order: SimOrder, status: OrderStatus): void {
    order.status = status;
    order.updatedUs = this.#deps.clock.nowUs();
    if (isTerminal(status)) {
      if (this.#open.delete(order) && this.#deps.closedOrderLimit !== undefined) this.#remember(order);
      // An order that ended before its expiry leaves nothing behind in the scheduler.
      if (order.timeInForce === 'day' && this.#expiries.size > 0) {
        const expiry = this.#expiries.get(order);
        if (expiry !== undefined) {
          this.#deps.scheduler.cancel(expiry);
          this.#expiries.delete(order);
        }
      }
    }
  }

  /** Keeps a closed order among the last closedOrderLimit, forgetting the oldest beyond them. */
  #remember(order: SimOrder): void {
    const closed = this.#closed;
    closed.push(order);
    if (closed.size <= this.#deps.closedOrderLimit!) return;
    // The oldest is forgotten unless its group still works (then it is asked again later).
    const oldest = closed.shift();
    if (oldest === undefined) return;
    this.#byId.delete(oldest, closed.shiftedIdKey);
    this.#byClientId.delete(oldest, closed.shiftedClientOrderIdKey);
  }

  #removeWorking(order: SimOrder): void {
    // A symbol's list stays when it empties: the next order on it would only create it again.
    const working = this.#working.get(order.symbol);
    if (working === undefined) return;
    const index = working.indexOf(order);
    if (index < 0) return;
    // splice(index, 1) without the array of removed elements it returns, and by pop: setting the
    // length to 0 would drop the list's storage, for the next push to allocate again.
    const last = working.length - 1;
    for (let i = index; i < last; i++) working[i] = working[i + 1]!;
    working.pop();
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
    if (isTerminal(order.status) || !order.routed || !this.#canTrade(order)) return;
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
    const ledger = this.#deps.ledger;
    const positionQty = ledger.applyFill(
      order.symbol,
      order.side,
      execution.qty,
      execution.price,
      this.#sessionDateAt(Math.floor(nowUs / 1000)),
    );
    const fee =
      this.#deps.fees === undefined
        ? ZERO
        : this.#deps.fees.feeFor(order.side, order.assetClass === 'crypto', execution.qty, execution.price);
    if (fee !== ZERO) ledger.chargeFee(fee);
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
      fee,
      slippageCost: slippageCost(order.side, execution),
    });
    this.#groups.afterExecution(order);
  }

  /** sessionDateOf, which depends only on the New York date: computed once per New York day. */
  #sessionDateAt(epochMs: number): string {
    const cached = this.#sessionDate;
    if (epochMs >= cached.fromMs && epochMs < cached.untilMs) return cached.date;
    const today = newYorkWallTime(epochMs).date;
    this.#sessionDate = {
      fromMs: newYorkToUtcMs(today, 0),
      untilMs: newYorkToUtcMs(addDays(today, 1), 0),
      date: sessionDateOf(epochMs),
    };
    return this.#sessionDate.date;
  }

  // ---- session boundaries --------------------------------------------------------------------

  #armPhaseBoundary(): void {
    const next = this.#deps.session.nextPhaseChangeMs(this.#deps.clock.nowMs());
    if (next === undefined) return;
    const generation = this.#calendarGeneration;
    this.#deps.scheduler.schedule(next, () => {
      if (generation !== this.#calendarGeneration) return;
      this.#onPhaseChange();
      this.#armPhaseBoundary();
    });
  }

  /** The closed dates changed: the phase may differ now, and so may the next boundary. */
  #onCalendarChange(): void {
    this.#calendarGeneration++;
    this.#onPhaseChange();
    this.#armPhaseBoundary();
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

  #emit(event: SimTradeUpdateEvent, order: SimOrder, execution?: ExecutionReport): void {
    const timestampUs = this.#deps.clock.nowUs();
    if (this.#listeners.size > 0) {
      // Legs are mutable records too: the event keeps them as they are now.
      const snapshot =
        order.legs.length === 0 ? { ...order } : { ...order, legs: order.legs.map((leg) => ({ ...leg })) };
      const update: OrderEvent =
        execution === undefined
          ? { event, order: snapshot, timestampUs }
          : { event, order: snapshot, timestampUs, execution };
      for (const listener of this.#listeners) listener(update);
    }
    if (this.#liveListeners.size > 0) {
      for (const listener of this.#liveListeners) listener(event, order, timestampUs, execution);
    }
  }
}

function slippageCost(side: 'buy' | 'sell', execution: Execution): Fixed {
  const move = side === 'buy' ? execution.price - execution.unslipped : execution.unslipped - execution.price;
  return move <= 0n ? ZERO : mulFixed(execution.qty, move as Fixed);
}

function idOf(order: SimOrder): string {
  return order.id;
}

function clientOrderIdOf(order: SimOrder): string {
  return order.clientOrderId;
}

function linkOf(order: SimOrder): Omit<OrderLink, 'status'> {
  return {
    orderClass: order.orderClass,
    groupId: order.groupId,
    ocoGroup: order.ocoGroup,
    parentId: order.parentId,
  };
}
