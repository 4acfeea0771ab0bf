/**
 * One deterministic simulation run. The engine's trading stack as the backtest builds it
 * (backtest/backtest-stack.ts: position book, pre-trade risk with breaker and stops, execution
 * core, the risk-action executor, the strategy host) and the live engine's market-data listener
 * (MarketDataDispatch over the MarketDataService) run against the in-process venue over the
 * simulated market, on one virtual clock, with the scenario's faults at the venue port
 * (faulty-venue.ts) and on the feed (faulty-feed.ts).
 *
 * Time moves in steps: each step runs the market and the venue's scheduled work (latency, the
 * engine's timers and retry pauses) up to the step's end, delivering market data as it happens,
 * and then lets every promise the engine started run (one macrotask turn drains the microtasks).
 * Nothing waits on the wall clock and every random draw comes from the seed, so a seed gives the
 * same event log every time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBacktestStack } from '../backtest/backtest-stack.ts';
import { MarketDataService } from '../engine/marketdata/market-data-service.ts';
import { MarketDataDispatch } from '../engine/strategy/market-data-dispatch.ts';
import { parseRiskLimits } from '../shared/config/load-config.ts';
import type { RiskLimits } from '../shared/config/risk-schema.ts';
import type { Fill } from '../shared/domain/fill.ts';
import {
  type Fixed,
  fixedFromNumber,
  fixedToNumber,
  formatFixed,
  parseFixed,
  ZERO,
} from '../shared/domain/fixed.ts';
import { MidPriceMomentum } from '../shared/strategies/mid-price-momentum.ts';
import { ManualClock } from '../shared/time/clock.ts';
import { newYorkToUtcMs } from '../shared/time/new-york-time.ts';
import { FeedMetrics } from '../shared/venue/feed-metrics.ts';
import type { OrderRequest, VenueOrderEvent } from '../shared/venue/venue-types.ts';
import { createInProcessVenue } from '../sim/in-process-venue.ts';
import { Prng } from '../sim/market/prng.ts';
import { EventLog } from './event-log.ts';
import { FaultyFeedListener } from './faulty-feed.ts';
import { FaultyVenue } from './faulty-venue.ts';
import { InvariantMonitor, type VenueSymbolState, type Violation } from './invariants.ts';
import { type Scenario, scenarioFor } from './scenario.ts';

/**
 * Deliberately broken engines, to show the harness catches what it claims to (issue 17, item 3):
 * - `retry-skips-lookup`: an order retried after a failure goes out again under a fresh
 *   client_order_id without looking for the first one;
 * - `fill-counted-twice`: a fill reported twice by the stream is booked into the position book twice.
 */
export const BROKEN_VARIANTS = ['retry-skips-lookup', 'fill-counted-twice'] as const;
export type BrokenVariant = (typeof BROKEN_VARIANTS)[number];

export interface RunOptions {
  readonly variant?: BrokenVariant;
}

export interface RunResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  readonly log: EventLog;
  readonly orders: number;
  readonly fills: number;
  readonly faults: number;
  /** Intents risk or execution refused, by reason. */
  readonly refusals: Readonly<Record<string, number>>;
}

const STEP_MS = 200;
/** After the last step: faults off, the feed stopped, the engine's pending work given time to finish. */
const SETTLE_MS = 60_000;
/** How stale a symbol's data may get before the engine calls it stale (the shipped default's order). */
const STALE_AFTER_MS = 10_000;

let baseLimits: RiskLimits | undefined;

/** The shipped risk file, read once per process; each scenario narrows it. */
function limitsFor(scenario: Scenario): RiskLimits {
  const file = join(import.meta.dirname, '../config/risk_limits.toml');
  baseLimits ??= parseRiskLimits(readFileSync(file, 'utf8'), file);
  const plan = scenario.limits;
  return {
    ...baseLimits,
    limits: {
      ...baseLimits.limits,
      max_position_notional_usd: parseFixed(plan.maxPositionNotionalUsd),
      max_total_exposure_usd: parseFixed(plan.maxTotalExposureUsd),
    },
    loss: {
      ...baseLimits.loss,
      stop_loss_pct: parseFixed(plan.stopLossPct),
      daily_loss_limit_usd: parseFixed(plan.dailyLossLimitUsd),
    },
    circuit_breaker: { ...baseLimits.circuit_breaker, max_consecutive_losses: plan.maxConsecutiveLosses },
  };
}

export async function runSeed(seed: number, options: RunOptions = {}): Promise<RunResult> {
  const scenario = scenarioFor(seed);
  const limits = limitsFor(scenario);
  const { symbols } = scenario;
  const startMs = newYorkToUtcMs(scenario.date, scenario.startMinute);
  const clock = new ManualClock(startMs);
  const nowMs = (): number => clock.nowMs();
  const log = new EventLog(nowMs);
  const monitor = new InvariantMonitor(limits);
  // The engine's jitter and the faults' own choices draw from a stream of their own, so the
  // market's stream (the venue's seed) is the same whatever the engine does.
  const prng = new Prng(scenario.marketSeed ^ 0x9e3779b9);

  const simulated = createInProcessVenue({
    clock,
    symbols,
    seed: scenario.marketSeed,
    market: 'generated',
    sessionHours: 'always',
    messagesPerSecond: scenario.messagesPerSecond,
  });

  // The venue's own book, kept from its events before any fault: what it holds at each instant.
  const venueBook = new Map<string, { qty: Fixed; avg: number }>();
  const executed = new Map<string, Fixed>();
  simulated.venue.onOrderEvent(({ execution, order }) => {
    if (execution === null) return;
    executed.set(order.clientOrderId, ((executed.get(order.clientOrderId) ?? ZERO) + execution.qty) as Fixed);
    const book = venueBook.get(order.symbol) ?? { qty: ZERO, avg: 0 };
    const qty = fixedToNumber(book.qty);
    const fill = fixedToNumber(execution.qty);
    const signed = order.side === 'buy' ? fill : -fill;
    const adds = qty === 0 || Math.sign(qty) === Math.sign(signed);
    const avg = adds
      ? (Math.abs(qty) * book.avg + fill * fixedToNumber(execution.price)) / (Math.abs(qty) + fill)
      : book.avg;
    const positionQty =
      execution.positionQty ??
      ((order.side === 'buy' ? book.qty + execution.qty : book.qty - execution.qty) as Fixed);
    venueBook.set(order.symbol, { qty: positionQty, avg: positionQty === ZERO ? 0 : avg });
  });

  let stack: ReturnType<typeof createBacktestStack> | undefined;
  const entered = (request: OrderRequest): void => {
    if (stack === undefined) return;
    const states = new Map<string, VenueSymbolState>();
    for (const symbol of symbols) {
      const book = venueBook.get(symbol) ?? { qty: ZERO, avg: 0 };
      states.set(symbol, { positionQty: book.qty, avgEntryPrice: fixedFromNumber(book.avg), working: [] });
    }
    for (const order of simulated.engine.openOrders()) {
      const state = states.get(order.symbol);
      if (state === undefined || order.qty === null) continue;
      (state.working as { side: typeof order.side; remainingQty: Fixed; limitPrice: Fixed | null }[]).push({
        side: order.side,
        remainingQty: (order.qty - order.filledQty) as Fixed,
        limitPrice: order.limitPrice,
      });
    }
    const quote = simulated.market.latestQuote(request.symbol);
    const touch =
      quote === undefined ? ZERO : fixedFromNumber(request.side === 'buy' ? quote.askPrice : quote.bidPrice);
    monitor.onEntered(
      clock.nowMs(),
      request,
      request.limitPrice ?? touch,
      {
        breakerState: stack.risk.breakerState,
        killSwitch: stack.risk.killSwitchInForce,
        entriesAllowed: stack.execution.router.entriesAllowed,
      },
      states,
    );
  };

  const venue = new FaultyVenue({
    inner: simulated.venue,
    timers: simulated.timers,
    nowMs,
    log,
    onFirstAttempt: entered,
    retrySkipsLookup: options.variant === 'retry-skips-lookup',
  });

  const strategies = scenario.strategies.map(
    (plan) =>
      new MidPriceMomentum({
        id: plan.id,
        symbols: plan.symbols,
        period: plan.period,
        threshold: plan.thresholdBps / 10_000,
        entryQty: parseFixed(plan.entryQty),
      }),
  );
  stack = createBacktestStack({
    venue: { venue, timers: simulated.timers },
    clock,
    limits,
    strategies,
    random: () => prng.next(),
  });
  const { execution, risk, portfolio, host } = stack;

  const announced = new Map<string, string>();
  const booked: { executionId: string; clientOrderId: string; qty: Fixed }[] = [];
  execution.events.subscribe((event) => {
    switch (event.type) {
      case 'order_sending':
        announced.set(event.request.clientOrderId, `${event.intent.strategyId}/${event.intent.intentId}`);
        log.add('order_sending', {
          clientOrderId: event.request.clientOrderId,
          purpose: event.intent.purpose,
          side: event.request.side,
          qty: formatFixed(event.request.qty),
        });
        break;
      case 'fill_booked':
        booked.push({
          executionId: event.fill.executionId,
          clientOrderId: event.fill.clientOrderId,
          qty: event.fill.qty,
        });
        log.add('fill_booked', {
          executionId: event.fill.executionId,
          clientOrderId: event.fill.clientOrderId,
          qty: formatFixed(event.fill.qty),
          price: formatFixed(event.fill.price),
        });
        break;
      case 'order_alarm':
        log.add('order_alarm', {
          alarm: JSON.stringify(event.alarm, (_key, value) =>
            typeof value === 'bigint' ? String(value) : value,
          ),
        });
        break;
      case 'reconciled':
      case 'unreconciled':
        log.add(event.type);
        break;
      default:
        break;
    }
  });
  risk.events.subscribe((event) => log.add('risk', { event: event.type }));

  if (options.variant === 'fill-counted-twice') {
    // The broken booking: a repeated report of an execution is booked again, with no check of its id.
    const reportedOnce = new Set<string>();
    venue.onOrderEvent((event: VenueOrderEvent) => {
      const { execution: report, order } = event;
      if (report === null) return;
      if (!reportedOnce.has(report.executionId)) {
        reportedOnce.add(report.executionId);
        return;
      }
      const fill: Fill = {
        executionId: report.executionId,
        orderId: order.id,
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        qty: report.qty,
        price: report.price,
        timestampMs: report.timestampMs,
      };
      portfolio.applyFill(fill);
    });
  }

  const feedMetrics = new FeedMetrics();
  const marketData = new MarketDataService({
    clock,
    metrics: feedMetrics,
    symbols,
    staleAfterMs: STALE_AFTER_MS,
    feedBarSymbols: symbols,
    history: simulated.history,
    onBar: (bar) => host.onBar(bar),
  });
  const feedListener = new FaultyFeedListener(
    new MarketDataDispatch(marketData, risk, host, symbols),
    feedMetrics,
    log,
    nowMs,
  );
  const feed = simulated.openFeed({
    subscription: { quotes: symbols, trades: symbols, bars: symbols, statuses: symbols, lulds: symbols },
    listener: feedListener,
  });

  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const advance = async (toMs: number): Promise<void> => {
    simulated.advanceTo(toMs);
    feedListener.release();
    await turn();
  };

  log.add('start', { seed, symbols: symbols.join(','), faults: scenario.faults.length });
  execution.start();
  feed.start();
  await turn();

  const resumes: { atMs: number; symbol: string }[] = [];
  let nextFault = 0;
  const endMs = startMs + scenario.durationMs;
  for (let t = startMs + STEP_MS; t <= endMs; t += STEP_MS) {
    while (nextFault < scenario.faults.length && startMs + scenario.faults[nextFault]!.atMs <= t) {
      const fault = scenario.faults[nextFault++]!;
      switch (fault.kind) {
        case 'rest':
          venue.armRest(fault.rest, fault.rest.count);
          break;
        case 'order_events':
          venue.armEvents(
            fault.fault === 'delay'
              ? { kind: 'delay', ms: fault.delayMs, count: fault.count }
              : { kind: fault.fault, count: fault.count },
          );
          break;
        case 'stream_outage':
          venue.outage(fault.durationMs);
          break;
        case 'market_data':
          feedListener.arm(fault.fault, fault.count, fault.delayMs);
          break;
        case 'malformed_frames':
          feedListener.malformed(symbols[0]!, fault.count, prng);
          break;
        case 'halt':
          if (simulated.market.halt(fault.symbol).ok) {
            log.add('fault', { fault: 'halt', symbol: fault.symbol, durationMs: fault.durationMs });
            resumes.push({ atMs: t + fault.durationMs, symbol: fault.symbol });
          }
          break;
      }
    }
    for (let i = resumes.length - 1; i >= 0; i--) {
      if (resumes[i]!.atMs > t) continue;
      simulated.market.resume(resumes[i]!.symbol);
      log.add('resume', { symbol: resumes[i]!.symbol });
      resumes.splice(i, 1);
    }
    await advance(t);
  }

  // The quiet end: no more faults, no more data; what the engine started may finish.
  venue.disarm();
  feedListener.release(true);
  for (const { symbol } of resumes) simulated.market.resume(symbol);
  await feed.stop();
  for (let t = endMs + STEP_MS; t <= endMs + SETTLE_MS; t += STEP_MS) await advance(t);

  const atMs = clock.nowMs();
  monitor.checkOrders(atMs, venue.accepted, announced);
  monitor.checkFills(atMs, executed, booked);
  const venuePositions = new Map(
    (await simulated.venue.listPositions()).map((position) => [position.symbol, position]),
  );
  const enginePositions = new Map(portfolio.openPositions().map((position) => [position.symbol, position]));
  monitor.checkPositions(atMs, enginePositions, venuePositions);
  monitor.checkMalformed(atMs, feedListener.malformedDelivered);
  for (const violation of monitor.violations)
    log.add('violation', { invariant: violation.invariant, detail: violation.detail });
  log.add('end', {
    orders: venue.accepted.length,
    fills: booked.length,
    violations: monitor.violations.length,
  });

  await stack.stop();
  simulated.close();
  return {
    seed,
    ok: monitor.violations.length === 0,
    violations: monitor.violations,
    log,
    orders: venue.accepted.length,
    fills: booked.length,
    faults: scenario.faults.length,
    refusals: Object.fromEntries(stack.refusals),
  };
}
