/**
 * The engine's trading stack as a backtest runs it: the trading core engine/trading-engine.ts
 * builds too (engine/wiring/trading-core.ts: position book, pre-trade risk with its breaker and
 * stops, execution core, the risk-action executor that carries out stops) and the strategy host,
 * over the bar venue (sim/bar-venue.ts) on a virtual clock. What the live engine adds around them (feeds,
 * store, lease, HTTP API, the signal queues) has no part in a backtest.
 */
import { Registry } from 'prom-client';
import type { ExecutionService } from '../engine/execution/execution-service.ts';
import type { RiskActionExecutor } from '../engine/execution/risk-actions.ts';
import type { Portfolio } from '../engine/portfolio/portfolio.ts';
import type { RiskEvent } from '../engine/risk/risk-events.ts';
import type { RiskManager } from '../engine/risk/risk-manager.ts';
import { strategyExposureQty } from '../engine/strategy/strategy-exposure.ts';
import { StrategyHost } from '../engine/strategy/strategy-host.ts';
import { createTradingCore } from '../engine/wiring/trading-core.ts';
import type { RiskLimits } from '../shared/config/risk-schema.ts';
import type { OrderIntent } from '../shared/domain/order.ts';
import { createLogger } from '../shared/logging/logger.ts';
import type { Strategy } from '../shared/strategies/strategy.ts';
import type { ManualClock } from '../shared/time/clock.ts';
import { TradingCalendar } from '../shared/time/trading-calendar.ts';
import type { BarVenue } from '../sim/bar-venue.ts';

export interface BacktestStack {
  readonly portfolio: Portfolio;
  readonly risk: RiskManager;
  readonly execution: ExecutionService;
  readonly riskActions: RiskActionExecutor;
  readonly host: StrategyHost;
  /** Intents risk or execution refused, by reason; strategies that failed, as 'strategy_failed'. */
  readonly refusals: Map<string, number>;
  /** True once something was sent, filled or announced by risk since the last `takeActivity`. */
  takeActivity(): boolean;
  /** Submissions whose outcome is not in yet (their promise chains still run). */
  readonly pendingSubmissions: number;
  /** Whether anything may still act on its own at this instant: a submission, a stop's exit. */
  busy(): boolean;
  /** Whether risk's executor is closing a position (a stop's or the kill switch's exit). */
  closing(): boolean;
  /**
   * The engine's housekeeping: finished orders are forgotten. The engine keeps them an hour for
   * reports that come late; the backtest's venue sends none after an order is final, so they go
   * at once and a long run's memory stays flat.
   */
  houseKeep(): void;
  stop(): Promise<void>;
}

export interface BacktestStackOptions {
  /**
   * The venue port and timers on its virtual clock: the bar venue's, or (the deterministic
   * simulation harness, simtest/) the in-process venue's behind a fault-injecting wrapper.
   */
  readonly venue: Pick<BarVenue, 'venue' | 'timers'>;
  readonly clock: ManualClock;
  readonly limits: RiskLimits;
  readonly strategies: readonly Strategy[];
  /** The retry backoff's jitter; a seeded run passes its own so a replay draws the same delays. */
  readonly random?: () => number;
  /** What the live engine adds (simtest's engines with persistence): its lease check before each send. */
  readonly sendGuard?: () => string | null;
  /** Told of every risk event before the executor acts on it (the live engine records it). */
  readonly onRiskEvent?: (event: RiskEvent) => void;
  /** How far back the gap-closing order query reaches (the live engine: a day, for restarts). */
  readonly resyncLookbackMs?: number;
  /** A name for the logger (simtest's engines are several). */
  readonly loggerName?: string;
}

/** A backtest has no broker request budget to spend: the venue answers every request at once. */
const UNLIMITED_REQUESTS_PER_MINUTE = 1_000_000_000;

export function createBacktestStack({
  venue,
  clock,
  limits,
  strategies,
  random,
  sendGuard,
  onRiskEvent,
  resyncLookbackMs,
  loggerName,
}: BacktestStackOptions): BacktestStack {
  const logger = createLogger({ name: loggerName ?? 'backtest', level: 'silent' });
  const registry = new Registry();
  const calendar = new TradingCalendar();
  const { portfolio, risk, execution, settlement, riskActions } = createTradingCore({
    venue: venue.venue,
    clock,
    logger,
    registry,
    limits,
    calendar,
    requestsPerMinute: UNLIMITED_REQUESTS_PER_MINUTE,
    // Every wait (a retry's pause, a stop's wait for its cancels) passes on the virtual clock.
    timers: venue.timers,
    sleep: (ms) => new Promise((resolve) => venue.timers.setTimeout(() => resolve(), ms)),
    ...(random === undefined ? {} : { random }),
    ...(sendGuard === undefined ? {} : { sendGuard }),
    ...(onRiskEvent === undefined ? {} : { onRiskEvent }),
    ...(resyncLookbackMs === undefined ? {} : { resyncLookbackMs }),
  });

  const refusals = new Map<string, number>();
  const refuse = (reason: string): void => {
    refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
  };
  let activity = false;
  let pending = 0;
  const submit = (intent: OrderIntent): void => {
    activity = true;
    if (riskActions.isClosing(intent.symbol)) {
      refuse('position_closing');
      return;
    }
    pending++;
    execution.router.submit(intent).then(
      (result) => {
        pending--;
        if (!result.ok) refuse(result.code);
      },
      () => {
        pending--;
        refuse('submission_failed');
      },
    );
  };
  const host = new StrategyHost(
    strategies,
    {
      exposureQty: (symbol) =>
        strategyExposureQty(symbol, portfolio.position(symbol).qty, execution.tracker, () => false),
      submit,
      nowMs: () => clock.nowMs(),
    },
    () => refuse('strategy_failed'),
  );
  execution.events.subscribe((event) => {
    if (event.type === 'fill_booked') activity = true;
  });
  risk.events.subscribe(() => {
    activity = true;
  });
  return {
    portfolio,
    risk,
    execution,
    riskActions,
    host,
    refusals,
    get pendingSubmissions() {
      return pending;
    },
    busy() {
      return pending > 0 || riskActions.closingSymbols().length > 0;
    },
    closing() {
      return riskActions.closingSymbols().length > 0;
    },
    takeActivity() {
      const was = activity;
      activity = false;
      return was;
    },
    houseKeep() {
      execution.router.forgetFinished(0);
    },
    async stop() {
      riskActions.stop();
      settlement.stop();
      await execution.stop();
    },
  };
}
