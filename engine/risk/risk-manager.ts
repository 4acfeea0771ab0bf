/**
 * The pre-trade risk manager: the one place every order intent is checked before it leaves, and
 * the owner of the circuit breaker, stops, kill switch and daily reset. Pure domain code: state
 * changes only through the calls below (from the execution layer, the market-data layer and the
 * operator API), time only from the injected Clock, announcements only on the event bus.
 *
 * The execution layer's part of the contract:
 * - `check(intent)` before sending; it records nothing about the intent, so it may be called
 *   speculatively. A market order goes as a limit order at the approval's protectiveLimitPrice.
 * - `onOrderSubmitted(clientOrderId, intent)` in the same turn as sending (before the next
 *   check), so the order's exposure, rate and duplicate records count from that moment.
 * - `onOrderStatus` for every status change (with what the venue reports filled that is not yet
 *   booked) and `onFill` for every execution, once it is booked in the position book risk reads
 *   (engine/portfolio): risk keeps no positions of its own.
 * - `reconcile(account)` once the book's positions and the account are known to match the broker,
 *   and `markUnreconciled(reason)` whenever they may not (stream gap, restart).
 * - On `stop_triggered` and on a kill-switch plan: cancel the listed orders first, then send the
 *   exit once the cancels are confirmed (until then risk counts them and refuses an oversell).
 *
 * The market-data layer calls the RiskMarketDataSink methods (quotes, trading status, LULD,
 * staleness); every quote of a held symbol runs its stops and the daily loss monitor.
 */

import type { RiskLimits } from '../../shared/config/risk-schema.ts';
import type { Account } from '../../shared/domain/account.ts';
import type { Fill } from '../../shared/domain/fill.ts';
import { type Fixed, fixedToNumber, SCALE } from '../../shared/domain/fixed.ts';
import {
  isReduceOnlyPurpose,
  isTerminalStatus,
  type OrderIntent,
  type OrderStatus,
} from '../../shared/domain/order.ts';
import { ACCEPTED, type Refusal, refusal } from '../../shared/domain/outcome.ts';
import { EventBus } from '../../shared/events/event-bus.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { SessionTracker } from '../../shared/time/session-tracker.ts';
import { TradingCalendar } from '../../shared/time/trading-calendar.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import { type BrokerState, CheckContext, type RiskState } from './check-context.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { DailyLossMonitor } from './daily-loss-monitor.ts';
import { DayTradeCounter } from './day-trade-counter.ts';
import { ExecutionLatch } from './execution-latch.ts';
import { ExposureLedger, type SymbolExposure } from './exposure-ledger.ts';
import { MarketConditions, type RiskMarketDataSink } from './market-conditions.ts';
import { PositionStops } from './position-stops.ts';
import { breakerHold, RULES_BY_INTENT_KIND, reconciliationHold } from './pre-trade-rules.ts';
import { RecentIntents } from './recent-intents.ts';
import { APPROVED, type RiskDecision } from './risk-decision.ts';
import type { BreakerState, OperatorActionResult, PositionToClose, RiskEvent } from './risk-events.ts';
import { validateOperatorAction } from './risk-events.ts';
import { type RiskParameters, riskParameters } from './risk-parameters.ts';
import { SlidingWindowCounter } from './sliding-window-counter.ts';

export interface RiskManagerOptions {
  readonly limits: RiskLimits;
  readonly clock: Clock;
  readonly events?: EventBus<RiskEvent>;
  /**
   * Decides the session (daily reset, day-trade window) and whether the market is closed. Default:
   * one that never loads broker data, so the built-in NYSE rules decide and nothing is refused.
   */
  readonly calendar?: TradingCalendar;
  /** The engine's position book, which execution books fills into. Default: a book of its own. */
  readonly positions?: Portfolio;
}

export interface KillSwitchPlan {
  /** Cancel these first: the broker holds a position's quantity for open orders. */
  readonly cancelClientOrderIds: readonly string[];
  /** Then close these positions (the risk-action executor sends the exits). */
  readonly flatten: readonly PositionToClose[];
}

export type KillSwitchResult = { readonly ok: true; readonly plan: KillSwitchPlan } | Refusal;

export interface RiskSnapshot {
  readonly sessionDate: string;
  readonly breaker: BreakerState;
  readonly reconciled: boolean;
  /** Gross exposure counting working orders as if filled, in dollars. */
  readonly grossExposure: Fixed;
  readonly openSymbols: number;
  readonly dailyPnlUsd: number;
  readonly consecutiveLosses: number;
  readonly dayTrades: number;
}

export class RiskManager implements RiskMarketDataSink {
  readonly events: EventBus<RiskEvent>;
  /** The position book risk reads; execution books fills into it before calling onFill. */
  readonly positions: Portfolio;
  readonly #clock: Clock;
  readonly #params: RiskParameters;
  readonly #state: RiskState;
  readonly #context: CheckContext;
  readonly #lossMonitor: DailyLossMonitor;
  readonly #stops = new PositionStops();
  readonly #session: SessionTracker;

  constructor({ limits, clock, events, calendar, positions }: RiskManagerOptions) {
    this.events = events ?? new EventBus<RiskEvent>();
    this.#clock = clock;
    const tradingCalendar = calendar ?? new TradingCalendar();
    this.positions = positions ?? new Portfolio(clock, tradingCalendar);
    this.#session = new SessionTracker(tradingCalendar);
    const params = riskParameters(limits);
    this.#params = params;
    const publish = (event: RiskEvent): void => this.events.publish(event);
    const broker: BrokerState = { reconciled: false, account: null, buyingPowerRaw: 0n };
    this.#state = {
      params,
      ledger: new ExposureLedger(this.positions),
      markets: new MarketConditions(),
      breaker: new CircuitBreaker(params, publish),
      latch: new ExecutionLatch(params.latchMaxFills, params.latchWindowMs),
      recentIntents: new RecentIntents(params.duplicateWindowMs),
      dayTrades: new DayTradeCounter(),
      symbolThrottles: new Map(),
      overallThrottle: new SlidingWindowCounter(params.maxOrdersPerWindow, params.throttleWindowMs),
      broker,
      calendar: tradingCalendar,
    };
    this.#context = new CheckContext(this.#state);
    this.#lossMonitor = new DailyLossMonitor(params.dailyLossLimitUsd, params.lossWarningFractions, publish);
    this.#roll(clock.nowMs());
  }

  // ---- pre-trade ----------------------------------------------------------------------------

  /**
   * Why new exposure may not leave now (the breaker open, the kill switch, positions unreconciled),
   * or null. An entry approved earlier is asked again as it leaves: one held back by the request
   * budget (a 429's wait) may go out only after the breaker tripped (simtest seed 4986).
   */
  newExposureHold(): string | null {
    return breakerHold(this.#state) ?? reconciliationHold(this.#state);
  }

  /** Runs every rule that applies, in order; the first denial decides. Records nothing about the intent. */
  check(intent: OrderIntent): RiskDecision {
    // One clock read: on the system clock each read costs tens of nanoseconds.
    const nowUs = this.#clock.nowUs();
    const nowMs = Math.floor(nowUs / 1000);
    this.#roll(nowMs);
    const context = this.#context;
    context.prepare(intent, nowMs, nowUs);
    const rules =
      intent.purpose === 'entry'
        ? RULES_BY_INTENT_KIND.entry
        : intent.purpose === 'kill_switch'
          ? RULES_BY_INTENT_KIND.killSwitch
          : RULES_BY_INTENT_KIND.reduceOnly;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const message = rule.deny(context, intent);
      if (message === null) continue;
      // A refused stop exit must not leave the position unprotected: a later quote tries again.
      if (intent.purpose === 'stop_loss' || intent.purpose === 'trailing_stop')
        this.#stops.rearm(intent.symbol);
      return { ok: false, rule: rule.name, code: rule.reasonCode, message };
    }
    if (intent.type !== 'market' || context.protectiveLimitPrice === null) return APPROVED;
    return { ok: true, protectiveLimitPrice: context.protectiveLimitPrice };
  }

  // ---- execution layer ----------------------------------------------------------------------

  /** The order is on its way: count its exposure, its place in the rate windows and its intent. */
  onOrderSubmitted(clientOrderId: string, intent: OrderIntent): void {
    const nowUs = this.#clock.nowUs();
    const nowMs = Math.floor(nowUs / 1000);
    this.#roll(nowMs);
    const context = this.#context;
    context.prepare(intent, nowMs, nowUs);
    const state = this.#state;
    state.ledger.addWorkingOrder({
      clientOrderId,
      intentId: intent.intentId,
      strategyId: intent.strategyId,
      symbol: intent.symbol,
      side: intent.side,
      type: intent.type,
      reduceOnly: isReduceOnlyPurpose(intent.purpose),
      price: context.orderPrice ?? intent.referencePrice,
      remainingQty: intent.qty,
      finalAtVenue: false,
    });
    let throttle = state.symbolThrottles.get(intent.symbol);
    if (throttle === undefined) {
      throttle = new SlidingWindowCounter(
        this.#params.maxOrdersPerSymbolPerWindow,
        this.#params.throttleWindowMs,
      );
      state.symbolThrottles.set(intent.symbol, throttle);
    }
    throttle.record(nowMs);
    state.overallThrottle.record(nowMs);
    state.recentIntents.record(intent, nowMs);
  }

  /**
   * A status from the broker; a final one releases whatever the order had not filled. What it
   * filled but the position book has not booked (`unbookedQty`) keeps counting until it is.
   */
  onOrderStatus(clientOrderId: string, status: OrderStatus, unbookedQty: Fixed): void {
    this.#roll(this.#clock.nowMs());
    if (!isTerminalStatus(status) && status !== 'done_for_day') return;
    const order = this.#state.ledger.finishWorkingOrder(clientOrderId, unbookedQty);
    // An exit that will not complete while the position is open: let the next quote re-trigger.
    if (order?.reduceOnly === true && status !== 'filled') this.#stops.rearm(order.symbol);
  }

  /** Alpaca replaces an order with a new one: the old one's remainder goes, the new one counts. */
  onOrderReplaced(oldClientOrderId: string, newClientOrderId: string, replacement: OrderIntent): void {
    this.#state.ledger.releaseWorkingOrder(oldClientOrderId);
    this.onOrderSubmitted(newClientOrderId, replacement);
  }

  /** True while risk counts this order as working (it approved it, or it was adopted). */
  isTracking(clientOrderId: string): boolean {
    return this.#state.ledger.order(clientOrderId) !== undefined;
  }

  /** A fill just booked into the position book, with the P&L it realised there. */
  onFill(fill: Fill, realized: Fixed): void {
    const nowMs = this.#clock.nowMs();
    this.#roll(nowMs);
    const state = this.#state;
    const outcome = state.ledger.applyFill(fill, realized, nowMs);
    const position = outcome.symbol;
    this.#stops.sync(position.symbol, position.positionQty, position.averagePrice, position.openedAtMs);
    state.dayTrades.onFill(fill.symbol, fill.clientOrderId, outcome.qtyBefore, outcome.qtyAfter);
    if (outcome.closedTradePnl !== null) {
      const run = this.#lossMonitor.onClosedTrade(fixedToNumber(outcome.closedTradePnl));
      if (run >= this.#params.maxConsecutiveLosses) {
        state.breaker.trip('consecutive_losses', `${run} losing trades in a row`, nowMs);
      }
    }
    if (outcome.strategyId !== null && state.latch.onFill(outcome.strategyId, nowMs)) {
      this.events.publish({
        type: 'strategy_latched',
        strategyId: outcome.strategyId,
        maxFills: this.#params.latchMaxFills,
        windowMs: this.#params.latchWindowMs,
        atMs: nowMs,
      });
    }
    this.#evaluateLoss(nowMs);
  }

  onAccount(account: Account): void {
    const broker = this.#state.broker;
    broker.account = account;
    broker.buyingPowerRaw = account.buyingPower * SCALE;
    this.#state.dayTrades.setBrokerCount(account.daytradeCount);
  }

  /** The book's positions and the account now match the broker's: new exposure is allowed again. */
  reconcile(account: Account): void {
    const nowMs = this.#clock.nowMs();
    this.#roll(nowMs);
    this.#state.ledger.releaseAwaitingBooking();
    this.#state.ledger.syncPositions(nowMs);
    for (const position of this.#state.ledger.symbols()) {
      this.#stops.sync(position.symbol, position.positionQty, position.averagePrice, position.openedAtMs);
    }
    this.onAccount(account);
    this.#state.broker.reconciled = true;
    this.events.publish({ type: 'broker_state', reconciled: true, reason: 'reconciled', atMs: nowMs });
  }

  markUnreconciled(reason: string): void {
    this.#state.broker.reconciled = false;
    this.events.publish({ type: 'broker_state', reconciled: false, reason, atMs: this.#clock.nowMs() });
  }

  // ---- market data --------------------------------------------------------------------------

  onQuote(symbol: string, bidPrice: number, askPrice: number, timestampUs: number): void {
    const nowMs = this.#clock.nowMs();
    this.#roll(nowMs);
    this.#state.markets.getOrCreate(symbol).setQuote(bidPrice, askPrice, timestampUs);
    const position = this.#state.ledger.get(symbol);
    if (position === undefined || position.positionQty === 0) return;
    this.#evaluateStop(position, bidPrice, askPrice, nowMs);
    this.#evaluateLoss(nowMs);
  }

  onTradingStatus(symbol: string, statusCode: string, timestampUs: number): void {
    this.#state.markets.getOrCreate(symbol).setTradingStatus(statusCode, timestampUs);
  }

  onTrade(symbol: string, timestampUs: number): void {
    const market = this.#state.markets.get(symbol);
    if (market?.halted === true) market.onPrint(timestampUs);
  }

  onLuld(symbol: string, limitUp: number, limitDown: number, _timestampUs: number): void {
    this.#state.markets.getOrCreate(symbol).setBand(limitUp, limitDown);
  }

  markStale(symbol: string): void {
    this.#state.markets.getOrCreate(symbol).stale = true;
  }

  // ---- operator -----------------------------------------------------------------------------

  /**
   * Cancel everything, flatten everything, latch the breaker. Once per activation: while it is in
   * force (until an operator resets the breaker) a repeat is refused, so concurrent or replayed
   * requests make one plan, one set of cancels and one set of exits.
   */
  killSwitch(operator: string, reason: string): KillSwitchResult {
    const invalid = validateOperatorAction(operator, reason);
    if (invalid !== null) return invalid;
    const nowMs = this.#clock.nowMs();
    this.#roll(nowMs);
    const breaker = this.#state.breaker;
    if (breaker.haltedBy === 'kill_switch') {
      return refusal(
        'kill_switch_in_force',
        'the kill switch is already in force; its cancels and exits are under way (reset the circuit breaker to release it)',
      );
    }
    breaker.halt('kill_switch', operator, reason, nowMs);
    const cancelClientOrderIds = [...this.#state.ledger.workingOrders()].map((order) => order.clientOrderId);
    const flatten: PositionToClose[] = [];
    for (const position of this.#state.ledger.symbols()) {
      if (position.qty !== 0n) flatten.push({ symbol: position.symbol, qty: position.qty });
    }
    this.events.publish({
      type: 'kill_switch',
      operator,
      reason,
      cancelClientOrderIds,
      flatten,
      atMs: nowMs,
    });
    return { ok: true, plan: { cancelClientOrderIds, flatten } };
  }

  haltTrading(operator: string, reason: string): OperatorActionResult {
    const invalid = validateOperatorAction(operator, reason);
    if (invalid !== null) return invalid;
    this.#state.breaker.halt('operator_halt', operator, reason, this.#clock.nowMs());
    return ACCEPTED;
  }

  resetBreaker(operator: string, reason: string): OperatorActionResult {
    const nowMs = this.#clock.nowMs();
    this.#roll(nowMs);
    return this.#state.breaker.reset(operator, reason, nowMs);
  }

  rearmStrategy(strategyId: string, operator: string, reason: string): OperatorActionResult {
    const result = this.#state.latch.rearm(strategyId, operator, reason);
    if (result.ok) {
      this.events.publish({
        type: 'strategy_rearmed',
        strategyId,
        operator,
        reason,
        atMs: this.#clock.nowMs(),
      });
    }
    return result;
  }

  // ---- views --------------------------------------------------------------------------------

  /** The New York session date risk counts the day's loss and day trades in. */
  get sessionDate(): string {
    this.#roll(this.#clock.nowMs());
    return this.#session.date;
  }

  isLatched(strategyId: string): boolean {
    return this.#state.latch.isLatched(strategyId);
  }

  /** The kill switch was thrown and the breaker not reset since. */
  get killSwitchInForce(): boolean {
    return this.#state.breaker.haltedBy === 'kill_switch';
  }

  get breakerState(): BreakerState {
    this.#roll(this.#clock.nowMs());
    return this.#state.breaker.state;
  }

  /** A symbol's exposure counting working orders as if filled, in dollars (rounded down to 1e-9). */
  symbolExposure(symbol: string): Fixed {
    return ((this.#state.ledger.get(symbol)?.exposureRaw ?? 0n) / SCALE) as Fixed;
  }

  snapshot(): RiskSnapshot {
    this.#roll(this.#clock.nowMs());
    const state = this.#state;
    return {
      sessionDate: this.#session.date,
      breaker: state.breaker.state,
      reconciled: state.broker.reconciled,
      grossExposure: (state.ledger.grossRaw / SCALE) as Fixed,
      openSymbols: state.ledger.openSymbols,
      dailyPnlUsd: this.#dailyPnl(this.#clock.nowMs()),
      consecutiveLosses: this.#lossMonitor.consecutiveLosses,
      dayTrades: state.dayTrades.count(),
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  #evaluateStop(position: SymbolExposure, bid: number, ask: number, nowMs: number): void {
    const stop = this.#stops.get(position.symbol);
    if (stop === undefined) return;
    const hit = stop.evaluate(bid, ask, this.#params, nowMs);
    if (hit === null) return;
    const cancelClientOrderIds = position.working.map((order) => order.clientOrderId);
    this.events.publish({
      type: 'stop_triggered',
      kind: hit.kind,
      symbol: position.symbol,
      price: hit.price,
      stopPrice: hit.stopPrice,
      cancelClientOrderIds,
      atMs: nowMs,
    });
  }

  #evaluateLoss(nowMs: number): void {
    const pnl = this.#dailyPnl(nowMs);
    if (this.#lossMonitor.evaluate(pnl, nowMs)) {
      this.#state.breaker.trip(
        'daily_loss_limit',
        `daily P&L ${pnl.toFixed(2)} reached the loss limit ${this.#params.dailyLossLimitUsd}`,
        nowMs,
      );
    }
  }

  #dailyPnl(nowMs: number): number {
    return this.#lossMonitor.dailyPnl(this.positions.realizedTodayUsdAt(nowMs), this.#unrealized());
  }

  /** The last mid, or the average entry when no usable quote has been seen. */
  #markOf(position: SymbolExposure): number {
    const market = this.#state.markets.get(position.symbol);
    if (market === undefined || !(market.bid > 0 && market.ask > 0)) return position.averagePrice;
    return (market.bid + market.ask) / 2;
  }

  #unrealized(): number {
    let total = 0;
    for (const position of this.#state.ledger.symbols()) {
      if (position.positionQty === 0) continue;
      total += position.positionQty * (this.#markOf(position) - position.averagePrice);
    }
    return total;
  }

  /**
   * Before every call: the daily reset at the session boundary the calendar gives (New York
   * midnight after a trading day; closed days belong to the next session), and breaker auto-resume.
   */
  #roll(nowMs: number): void {
    const change = this.#session.update(nowMs);
    if (change !== null) {
      const { calendar, dayTrades } = this.#state;
      const sessionDate = this.#session.date;
      if (change === 'started') {
        dayTrades.startSession(sessionDate, calendar);
        this.#lossMonitor.startSession(this.#unrealized());
        this.events.publish({ type: 'session_started', sessionDate, atMs: nowMs });
      } else {
        dayTrades.renameSession(sessionDate, calendar);
      }
    }
    this.#state.breaker.tick(nowMs);
  }
}
