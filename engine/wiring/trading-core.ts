/**
 * The trading core every way of running the engine's code builds the same way: the position book,
 * the pre-trade risk manager over it, the execution core over a venue, the settlement waits and the
 * risk-action executor that carries out what risk decides. engine/trading-engine.ts puts feeds,
 * store, lease and API around it; the backtest (backtest/backtest-stack.ts) a bar venue and a
 * virtual clock.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RiskLimits } from '../../shared/config/risk-schema.ts';
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { Timers } from '../../shared/time/timers.ts';
import type { TradingCalendar } from '../../shared/time/trading-calendar.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import { createExecutionService, type ExecutionService } from '../execution/execution-service.ts';
import { OrderSettlement } from '../execution/order-settlement.ts';
import { RiskActionExecutor } from '../execution/risk-actions.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import type { RiskEvent } from '../risk/risk-events.ts';
import { RiskManager } from '../risk/risk-manager.ts';

export interface TradingCoreOptions {
  readonly venue: TradingVenue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly limits: RiskLimits;
  readonly calendar: TradingCalendar;
  /** The venue's request quota per minute (Alpaca: the risk file's broker.requests_per_minute). */
  readonly requestsPerMinute: number;
  /** Told of every risk event before the executor acts on it (the engine logs and records it). */
  readonly onRiskEvent?: (event: RiskEvent) => void;
  /** The price a risk exit's slippage is measured against; the average entry when null. */
  readonly markOf?: (symbol: string) => Fixed | null;
  /** Waits that time out (settlement) and retry pauses: the wall clock's unless given. */
  readonly timers?: Timers;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The retry backoff's jitter: Math.random unless given (a seeded run passes its own). */
  readonly random?: () => number;
  readonly sendGuard?: () => string | null;
  readonly resyncLookbackMs?: number;
}

export interface TradingCore {
  readonly portfolio: Portfolio;
  readonly risk: RiskManager;
  readonly execution: ExecutionService;
  readonly settlement: OrderSettlement;
  readonly riskActions: RiskActionExecutor;
}

export function createTradingCore(options: TradingCoreOptions): TradingCore {
  const { clock, logger, registry, limits, calendar } = options;
  const portfolio = new Portfolio(clock, calendar);
  const risk = new RiskManager({ limits, clock, calendar, positions: portfolio });
  const execution = createExecutionService({
    venue: options.venue,
    clock,
    logger: logger.child({ component: 'execution' }),
    risk,
    positions: portfolio,
    metrics: registry,
    requestsPerMinute: options.requestsPerMinute,
    ...(limits.stops.mode === 'broker' ? { brokerStopLossPct: limits.loss.stop_loss_pct } : {}),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.sendGuard === undefined ? {} : { sendGuard: options.sendGuard }),
    ...(options.resyncLookbackMs === undefined ? {} : { resyncLookbackMs: options.resyncLookbackMs }),
  });
  const settlement = new OrderSettlement({
    events: execution.events,
    router: execution.router,
    tracker: execution.tracker,
    logger: logger.child({ component: 'settlement' }),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });
  const markOf = options.markOf ?? (() => null);
  const riskActions = new RiskActionExecutor({
    settlement,
    router: execution.router,
    tracker: execution.tracker,
    position: (symbol) => portfolio.position(symbol).qty,
    sessionDate: () => risk.sessionDate,
    referencePrice: (symbol) => markOf(symbol) ?? portfolio.position(symbol).avgEntryPrice,
    clock,
    logger: logger.child({ component: 'risk-actions' }),
    registry,
  });
  risk.events.subscribe((event) => {
    options.onRiskEvent?.(event);
    riskActions.onRiskEvent(event);
  });
  return { portfolio, risk, execution, settlement, riskActions };
}
