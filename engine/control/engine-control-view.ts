/**
 * The API's view of a running TradingEngine: answers built from the portfolio, risk, the order
 * blotter and the strategy host, and the operator's actions, each audited (who, with which role,
 * why, and what came of it) in the log and the store.
 */
import type {
  EngineStateEvent,
  FillAnswer,
  ManualOrderRequest,
  OrderAnswer,
  PnlAnswer,
  PositionAnswer,
  RiskAnswer,
  StatusAnswer,
  StrategyAnswer,
} from '../../shared/api/engine-api-schemas.ts';
import { type Fixed, formatFixed, mul, parseFixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import { type Refusal, refusal } from '../../shared/domain/outcome.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { ActionBy, ActionResult, EngineControl, OrderList } from '../api/engine-control.ts';
import { PATTERN_DAY_TRADE_LIMIT } from '../risk/day-trade-counter.ts';
import type { TradingEngine } from '../trading-engine.ts';

/** The event stream's copy of the intraday curve: enough for a chart, small enough to send every second. */
const STATE_CURVE_POINTS = 400;

const ok = <T>(value: T): ActionResult<T> => ({ ok: true, value });

export class EngineControlView implements EngineControl {
  readonly #engine: TradingEngine;

  constructor(engine: TradingEngine) {
    this.#engine = engine;
  }

  health() {
    return this.#engine.health();
  }

  ready() {
    return this.#engine.ready();
  }

  status(): StatusAnswer {
    const engine = this.#engine;
    const pnl = this.pnl();
    return {
      positions: engine.portfolio.openPositions().map((position) => ({
        symbol: position.symbol,
        qty: formatFixed(position.qty),
        avgEntryPrice: formatFixed(position.avgEntryPrice),
      })),
      openOrders: engine.blotter.open().map((order) => ({
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        qty: order.qty,
        filledQty: order.filledQty,
        status: order.status,
        origin: order.origin,
      })),
      pnl: {
        realized: pnl.realized,
        unrealized: pnl.unrealized,
        daily: pnl.daily,
        sessionDate: pnl.sessionDate,
      },
      exposure: pnl.exposure,
      risk: { breaker: engine.risk.breakerState, reconciled: engine.risk.snapshot().reconciled },
    };
  }

  positions() {
    return { positions: this.#positions() };
  }

  #positions(): PositionAnswer[] {
    const engine = this.#engine;
    engine.markToMarket();
    return engine.portfolio.openPositions().map((position) => {
      const mark = engine.markPrice(position.symbol);
      const pnl = engine.portfolio.symbolPnl(position.symbol);
      return {
        symbol: position.symbol,
        side: position.qty > 0n ? 'long' : 'short',
        qty: formatFixed(position.qty),
        avgEntryPrice: formatFixed(position.avgEntryPrice),
        markPrice: mark === null ? null : formatFixed(mark),
        marketValue: mark === null ? null : formatFixed(mul(position.qty, mark)),
        unrealizedPnl: mark === null ? null : formatFixed(pnl.unrealizedPnl),
        closing: engine.riskActions.isClosing(position.symbol),
      };
    });
  }

  orders(list: OrderList) {
    const { blotter } = this.#engine;
    const orders =
      list === 'open'
        ? blotter.open()
        : list === 'closed'
          ? blotter.finished()
          : [...blotter.open(), ...blotter.finished()];
    return { orders };
  }

  fills() {
    return { fills: this.#engine.recentFills.list() };
  }

  pnl(maxCurvePoints?: number): PnlAnswer {
    const engine = this.#engine;
    engine.markToMarket();
    const pnl = engine.portfolio.pnl();
    const exposure = engine.portfolio.exposure();
    return {
      sessionDate: pnl.sessionDate,
      realized: formatFixed(pnl.realized),
      unrealized: formatFixed(pnl.unrealized),
      daily: formatFixed(pnl.daily),
      exposure: { gross: formatFixed(exposure.gross), net: formatFixed(exposure.net) },
      intraday: engine.intradayPnl
        .points(maxCurvePoints)
        .map((point) => ({ at: new Date(point.atMs).toISOString(), daily: formatFixed(point.daily) })),
    };
  }

  risk(): RiskAnswer {
    const { risk, limits } = this.#engine;
    const snapshot = risk.snapshot();
    const usd = (value: Fixed) => Number(formatFixed(value));
    return {
      breaker: snapshot.breaker,
      reconciled: snapshot.reconciled,
      killSwitch: risk.killSwitchInForce,
      limits: [
        {
          name: 'gross exposure',
          used: usd(snapshot.grossExposure),
          limit: usd(limits.limits.max_total_exposure_usd),
          unit: 'usd',
        },
        {
          name: 'open positions',
          used: snapshot.openSymbols,
          limit: limits.limits.max_open_positions,
          unit: 'positions',
        },
        {
          name: 'daily loss',
          used: Math.max(0, -snapshot.dailyPnlUsd),
          limit: usd(limits.loss.daily_loss_limit_usd),
          unit: 'usd',
        },
        {
          name: 'consecutive losses',
          used: snapshot.consecutiveLosses,
          limit: limits.circuit_breaker.max_consecutive_losses,
          unit: 'count',
        },
        {
          name: 'day trades (5 days)',
          used: snapshot.dayTrades,
          limit: PATTERN_DAY_TRADE_LIMIT - 1,
          unit: 'count',
        },
      ],
    };
  }

  strategies() {
    return { strategies: this.#strategies() };
  }

  #strategies(): StrategyAnswer[] {
    const { strategies, risk } = this.#engine;
    return strategies.list().map((strategy) => ({
      id: strategy.id,
      symbols: [...strategy.symbols],
      enabled: strategies.isEnabled(strategy.id) && !risk.isLatched(strategy.id),
      latched: risk.isLatched(strategy.id),
    }));
  }

  state(): EngineStateEvent {
    const engine = this.#engine;
    return {
      at: new Date(engine.clock.nowMs()).toISOString(),
      health: this.health(),
      pnl: this.pnl(STATE_CURVE_POINTS),
      positions: this.#positions(),
      orders: engine.blotter.open(),
      fills: engine.recentFills.list().slice(0, 50),
      risk: this.risk(),
      strategies: this.#strategies(),
      feeds: engine.feedStates(),
      hotPath: engine.hotPathLatency(),
    };
  }

  onFill(listener: (fill: FillAnswer) => void): () => void {
    return this.#engine.recentFills.subscribe(listener);
  }

  async placeOrder(
    order: ManualOrderRequest,
    idempotencyKey: string,
    by: ActionBy,
  ): Promise<ActionResult<OrderAnswer>> {
    const engine = this.#engine;
    const qty = parseFixed(order.qty);
    const held = engine.portfolio.position(order.symbol).qty;
    const reduces = order.side === 'sell' ? held > 0n && qty <= held : held < 0n && qty <= -held;
    const refused = (result: Refusal) => this.#audit('manual_order', by, result, { symbol: order.symbol });
    if (engine.riskActions.isClosing(order.symbol))
      return refused(
        refusal('position_closing', `a close of ${order.symbol} is under way; wait for it to finish`),
      );
    if (reduces && engine.protection !== undefined && !isCryptoSymbol(order.symbol))
      return refused(
        refusal(
          'protected_position',
          `${order.symbol} is protected by a stop held at the broker; close it with DELETE /positions/${order.symbol}`,
        ),
      );
    const limitPrice = order.limitPrice === undefined ? undefined : parseFixed(order.limitPrice);
    const intent: OrderIntent = {
      // The key makes the intent, and the intent the client_order_id: a retry after a restart is
      // the same order at the broker, not a second one.
      intentId: `manual:${by.role}:${idempotencyKey}`,
      strategyId: 'operator',
      symbol: order.symbol,
      assetClass: isCryptoSymbol(order.symbol) ? 'crypto' : 'us_equity',
      side: order.side,
      qty,
      type: order.type,
      timeInForce: order.timeInForce,
      ...(limitPrice === undefined ? {} : { limitPrice }),
      referencePrice: engine.markPrice(order.symbol) ?? limitPrice ?? (0n as Fixed),
      purpose: reduces ? 'exit' : 'entry',
      createdAtMs: engine.clock.nowMs(),
    };
    const result = await engine.router.submit(intent);
    if (!result.ok) return refused(refusal(result.code, result.message));
    this.#audit(
      'manual_order',
      by,
      { ok: true },
      { symbol: order.symbol, clientOrderId: result.clientOrderId },
    );
    const answer = engine.blotter.get(result.clientOrderId);
    return ok(answer ?? this.#fromVenue(result.order));
  }

  closePosition(symbol: string, by: ActionBy) {
    const engine = this.#engine;
    const qty = engine.portfolio.position(symbol).qty;
    if (qty === 0n)
      return this.#audit('close_position', by, refusal('no_position', `no open position in ${symbol}`), {
        symbol,
      });
    void engine.riskActions.close(symbol, 'exit');
    return this.#audit('close_position', by, ok({ symbol, qty: formatFixed(qty), closing: true as const }), {
      symbol,
    });
  }

  killSwitch(by: ActionBy) {
    const engine = this.#engine;
    const result = engine.risk.killSwitch(by.operator, by.reason);
    // A repeat of a kill switch already in force is not a new action: the first one is audited.
    if (!result.ok)
      return result.code === 'kill_switch_in_force' ? result : this.#audit('kill_switch', by, result);
    const { plan } = result;
    return this.#audit(
      'kill_switch',
      by,
      ok({
        breaker: engine.risk.breakerState,
        canceling: plan.cancelClientOrderIds.length,
        closing: engine.riskActions.closingSymbols(),
      }),
    );
  }

  resetCircuitBreaker(by: ActionBy) {
    const engine = this.#engine;
    const result = engine.risk.resetBreaker(by.operator, by.reason);
    return this.#audit(
      'circuit_breaker_reset',
      by,
      result.ok ? ok({ breaker: engine.risk.breakerState }) : result,
    );
  }

  setStrategyEnabled(strategyId: string, enabled: boolean, by: ActionBy) {
    const { strategies, risk } = this.#engine;
    const action = `${enabled ? 'enable' : 'disable'}_strategy:${strategyId}`;
    if (!strategies.has(strategyId))
      return this.#audit(
        action,
        by,
        refusal('unknown_strategy', `no strategy ${strategyId} runs in this engine`),
      );
    const latched = risk.isLatched(strategyId);
    if (enabled) {
      if (!latched && strategies.isEnabled(strategyId))
        return this.#audit(
          action,
          by,
          refusal('strategy_enabled', `strategy ${strategyId} is enabled and not latched`),
        );
      if (latched) {
        const rearmed = risk.rearmStrategy(strategyId, by.operator, by.reason);
        if (!rearmed.ok) return this.#audit(action, by, rearmed);
      }
      strategies.enable(strategyId);
    } else {
      if (!strategies.isEnabled(strategyId))
        return this.#audit(
          action,
          by,
          refusal('strategy_disabled', `strategy ${strategyId} is already disabled`),
        );
      strategies.disable(strategyId);
    }
    const strategy = this.#strategies().find((candidate) => candidate.id === strategyId)!;
    return this.#audit(action, by, ok({ strategy }));
  }

  #audit<T extends ActionResult<unknown> | { readonly ok: true }>(
    action: string,
    by: ActionBy,
    result: T,
    detail: Record<string, string> = {},
  ): T {
    const engine = this.#engine;
    const outcome = result.ok ? 'accepted' : 'refused';
    engine.recorder?.audit(by.operator, action, outcome, {
      role: by.role,
      reason: by.reason,
      ...detail,
      ...(result.ok ? {} : { refusal: (result as Refusal).code }),
    });
    engine.log.warn(
      { operator: by.operator, role: by.role, reason: by.reason, action, outcome, ...detail },
      'operator action',
    );
    return result;
  }

  #fromVenue(order: Parameters<TradingEngine['blotter']['reported']>[0]): OrderAnswer {
    this.#engine.blotter.reported(order, undefined);
    return this.#engine.blotter.get(order.clientOrderId)!;
  }
}
