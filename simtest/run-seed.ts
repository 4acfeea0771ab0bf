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
import { minuteStartUs } from '../engine/marketdata/bar-series.ts';
import { cancelHolderId } from '../engine/persistence/cancel-after-lease-loss.ts';
import { RISK_STRATEGY_ID } from '../engine/risk/exit-intents.ts';
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
import { DynamoLeaseStore } from '../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../shared/store/dynamo-store.ts';
import { MemoryDynamoClient } from '../shared/store/memory-dynamo-client.ts';
import { TABLE_DEFINITIONS, tableNames } from '../shared/store/table-definitions.ts';
import { MidPriceMomentum } from '../shared/strategies/mid-price-momentum.ts';
import { ManualClock } from '../shared/time/clock.ts';
import { newYorkDate, newYorkToUtcMs } from '../shared/time/new-york-time.ts';
import { FeedMetrics } from '../shared/venue/feed-metrics.ts';
import type { FeedGap, MarketDataListener } from '../shared/venue/market-data-feed.ts';
import type { OrderRequest, VenueOrderEvent } from '../shared/venue/venue-types.ts';
import type { WatchdogSignals } from '../shared/watchdog/lease-watchdog.ts';
import { createInProcessVenue } from '../sim/in-process-venue.ts';
import { Prng } from '../sim/market/prng.ts';
import { EndpointFaultsVenue } from './endpoint-faults.ts';
import { EngineNode, type EngineNodeHooks } from './engine-node.ts';
import { EventLog } from './event-log.ts';
import { FaultyFeedListener } from './faulty-feed.ts';
import {
  InvariantMonitor,
  type LeaseView,
  type VenueExecution,
  type VenueSymbolState,
  type Violation,
} from './invariants.ts';
import { Repricer } from './repricer.ts';
import { RestingEntries } from './resting-entries.ts';
import { type FeedFaultPlan, type Scenario, scenarioFor } from './scenario.ts';
import { SilentSocket } from './silent-socket.ts';
import { startWatchdogProcess, WATCHDOG_EVERY_MS } from './watchdog-process.ts';

/**
 * Deliberately broken engines, to show the harness catches what it claims to (issue 17, item 3):
 * - `retry-skips-lookup`: an order retried after a failure goes out again under a fresh
 *   client_order_id without looking for the first one;
 * - `fill-counted-twice`: a fill reported twice by the stream is booked into the position book twice;
 * - `stop-exit-before-cancels`: the risk-action executor sends a stop's exit once it has asked for
 *   the cancels of the symbol's other orders, without waiting for the venue to confirm them;
 * - `fenced-engine-writes`: an engine that lost its lease ignores it, and goes on sending orders
 *   and writing to the store;
 * - `cancel-ignores-new-holder`: an engine that lost its lease cancels every order at the broker at
 *   once, without taking the lapsed lease first (so also when another engine holds it);
 * - `no-watchdog`: the lease watchdog never runs.
 */
export const BROKEN_VARIANTS = [
  'retry-skips-lookup',
  'fill-counted-twice',
  'stop-exit-before-cancels',
  'fenced-engine-writes',
  'cancel-ignores-new-holder',
  'no-watchdog',
] as const;
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
  /** Engine processes started: the first, restarts, contenders. */
  readonly engines: number;
  /** Intents risk or execution refused, by reason. */
  readonly refusals: Readonly<Record<string, number>>;
}

const STEP_MS = 200;
const MINUTE_US = 60_000_000;
/** After the last step: faults off, the feed stopped, the engine's pending work given time to finish. */
const SETTLE_MS = 60_000;
/**
 * How long the market must go on after a stop for the stop to be judged: its close may wait out
 * a cancel outage (up to 20 s), risk's back-off (up to 10 s) and an exit left working (5 s), and
 * every exit needs a fresh price, which ends with the feed (found by seed 1529).
 */
const STOP_JUDGED_MS = 60_000;
/** The account the engines trade and the store keys its items by. */
const ACCOUNT = 'simtest';
/**
 * How far the engine's average entry may be from the venue's. Every reconciliation (a restart, or
 * a resync after a trade-updates outage) may take the venue's average, at 1e-9, as the cost basis,
 * and later fills carry that rounding; quantities must match exactly.
 */
const ENTRY_SLACK = 1e-8;
/**
 * How long orders may outlive a lapsed lease: the watchdog's next run comes within a minute, and
 * takes the lease one skew margin (1 s) after its expiry; the rest is the cancel's way there.
 */
const ORPHAN_BOUND_MS = WATCHDOG_EVERY_MS + 5_000;
/** The adapter's timings for a silent socket: config marketData.staleAfterMs, the zombie deadline. */
const FEED_STALE_AFTER_MS = 5_000;
const FEED_SILENCE_TIMEOUT_MS = 20_000;
/** A band wide as the market's own after a LULD fault (its LULD_BAND). */
const WIDE_BAND = 0.05;

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
  const venueExecutions: VenueExecution[] = [];
  simulated.venue.onOrderEvent(({ execution, order }) => {
    if (execution === null) return;
    venueExecutions.push({
      symbol: order.symbol,
      side: order.side,
      qty: execution.qty,
      price: execution.price,
    });
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
    monitor.onVenuePosition(order.symbol, positionQty);
  });

  const nodes: EngineNode[] = [];
  /** The engine whose order is reaching the venue right now (set just before each submission). */
  let sender: EngineNode | undefined;
  const entered = (request: OrderRequest): void => {
    const stack = sender?.stack;
    if (stack === undefined) return;
    const states = new Map<string, VenueSymbolState>();
    for (const symbol of symbols) {
      const book = venueBook.get(symbol) ?? { qty: ZERO, avg: 0 };
      states.set(symbol, { positionQty: book.qty, avgEntryPrice: fixedFromNumber(book.avg), working: [] });
    }
    const others: string[] = [];
    for (const order of simulated.engine.openOrders()) {
      if (order.symbol === request.symbol && order.clientOrderId !== request.clientOrderId)
        others.push(order.clientOrderId);
      const state = states.get(order.symbol);
      if (state === undefined || order.qty === null) continue;
      (state.working as { side: typeof order.side; remainingQty: Fixed; limitPrice: Fixed | null }[]).push({
        side: order.side,
        remainingQty: (order.qty - order.filledQty) as Fixed,
        limitPrice: order.limitPrice,
      });
    }
    if (riskExits.has(request.clientOrderId)) monitor.onRiskExit(clock.nowMs(), request, others);
    monitor.checkBand(clock.nowMs(), request, heardBands.get(sender!)?.get(request.symbol));
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

  /**
   * The bands each engine's feed gave it, per symbol. Alpaca sends a band when it changes, not on
   * subscribing, so an engine started after a change (or whose message was lost) has not heard it.
   */
  const heardBands = new Map<EngineNode, Map<string, { limitUp: number; limitDown: number }>>();

  const venue = new EndpointFaultsVenue({
    replaceAnswerDelayMs: scenario.repricing?.answerDelayMs ?? 0,
    inner: simulated.venue,
    timers: simulated.timers,
    nowMs,
    log,
    onFirstAttempt: entered,
    retrySkipsLookup: options.variant === 'retry-skips-lookup',
    slowNextCancels: (count, ms) => simulated.engine.slowNextCancels(count, ms),
    fillBeforeNextCancels: (count) => simulated.engine.fillBeforeNextCancels(count),
    isRiskExit: (clientOrderId) => riskExits.has(clientOrderId),
  });

  // The store: one in-memory DynamoDB for every engine, with the scenario's faults over windows.
  const tables = tableNames('simtest');
  const storeFaults = scenario.process.storeFaults.map((fault) => ({
    ...fault,
    fromMs: startMs + fault.atMs,
    untilMs: startMs + fault.atMs + fault.durationMs,
  }));
  let storeFaultsOn = true;
  const dynamo = new MemoryDynamoClient({
    tables: {
      [tables.state]: TABLE_DEFINITIONS.state,
      [tables.lease]: TABLE_DEFINITIONS.lease,
      [tables.idempotency]: TABLE_DEFINITIONS.idempotency,
    },
    timers: simulated.timers,
    fault: ({ command, table }) => {
      if (!storeFaultsOn || table !== tables.state) return null;
      const t = clock.nowMs();
      const window = storeFaults.find((fault) => fault.fromMs <= t && t < fault.untilMs);
      if (window === undefined) return null;
      log.add('store_fault', { command, fault: window.fault });
      switch (window.fault) {
        case 'throttle':
          return { kind: 'throttle' };
        case 'internal_before':
          return { kind: 'internal', when: 'before' };
        case 'internal_after':
          return { kind: 'internal', when: 'after' };
        case 'latency':
          return { kind: 'latency', ms: 400 };
        case 'unprocessed':
          return command === 'BatchWrite' ? { kind: 'unprocessed', processed: 1 } : null;
      }
    },
  });
  /** The lease item, per the store, at this instant. */
  const leaseView = (): LeaseView | null => {
    const item = dynamo.scan(tables.lease).find((candidate) => candidate.pk === ACCOUNT);
    if (item === undefined) return null;
    return {
      holderId: String(item.holderId),
      fencingToken: Number(item.fencingToken),
      status: item.status === 'released' ? 'released' : 'held',
      expiresAtMs: Number(item.expiresAtMs),
    };
  };
  /** Who held the lease, per the store, at this instant. */
  const leaseNow = (): { holderId: string; fencingToken: number; held: boolean } | null => {
    const lease = leaseView();
    if (lease === null) return null;
    return { ...lease, held: lease.status === 'held' && clock.nowMs() < lease.expiresAtMs };
  };
  /** The P0 signal of a lapsed lease, from the watchdog or an engine's lease-loss cancel. */
  const watchdogSignals: WatchdogSignals = {
    leaseLapsed: (_account, summary) => log.add('lease_lapsed', { ...summary }),
    leaseUnreadable: () => log.add('lease_unreadable', {}),
  };
  const fenced = (node: EngineNode, what: string): string | null => {
    const lease = leaseNow();
    if (lease?.held && lease.holderId === node.holderId) return null;
    return `${node.name} ${what} while ${
      lease === null
        ? 'no lease existed'
        : lease.held
          ? `${lease.holderId} held the lease (token ${lease.fencingToken})`
          : `the lease had lapsed or been released (last holder ${lease.holderId})`
    }`;
  };

  const announced = new Map<string, string>();
  /** What each order the engine sent asked for, by client_order_id: the total of its replacements' fills. */
  const sentQty = new Map<string, Fixed>();
  /** The strategies' limit orders, which the repricer may replace. */
  const repriceable = new Set<string>();
  /** The risk-action executor's exits (a stop's, the kill switch's), by client_order_id. */
  const riskExits = new Set<string>();
  const booked = new Map<EngineNode, { executionId: string; clientOrderId: string; qty: Fixed }[]>();
  let everTraded = 0;
  let active: EngineNode | undefined;
  let restartPending = false;
  const hooks: EngineNodeHooks = {
    sending(node, request) {
      sender = node;
      const problem = fenced(node, request === null ? 'replaced an order' : `sent ${request.clientOrderId}`);
      if (problem !== null) monitor.fail('no_send_without_lease', clock.nowMs(), problem);
    },
    writing(node, command) {
      const problem = fenced(node, `wrote to the store (${command})`);
      if (problem !== null) monitor.fail('no_write_without_lease', clock.nowMs(), problem);
    },
    cancelling(node, orderId) {
      log.add('cancel_request', { engine: node.name, orderId });
      monitor.onCancel(
        clock.nowMs(),
        `${node.name}'s cancel of ${orderId ?? 'every order'}`,
        [node.holderId, cancelHolderId(node.holderId)],
        leaseView(),
      );
    },
    trading(node) {
      everTraded += 1;
      active = node;
    },
    leaseLost(node, handled) {
      // The process exits on a lost lease (engine/main.ts) once the engine's stop has awaited its
      // cancel of the working orders; the orchestrator starts another.
      void handled.then(() => {
        simulated.timers.setTimeout(() => {
          node.crash();
          // The engine that stood by may have died meanwhile: the orchestrator looks at the exit.
          if (!nodes.some((other) => other.alive)) restartSoon(0);
        }, 1_000);
        if (!nodes.some((other) => other !== node && other.alive)) restartSoon(1_000);
      });
    },
    orderSending(node, request, intent) {
      announced.set(request.clientOrderId, `${intent.strategyId}/${intent.intentId}`);
      monitor.onOrderSending(clock.nowMs(), request, intent.purpose, socket.state);
      if (intent.strategyId === RISK_STRATEGY_ID) riskExits.add(request.clientOrderId);
      else if (request.type === 'limit') repriceable.add(request.clientOrderId);
      sentQty.set(request.clientOrderId, request.qty);
      log.add('order_sending', {
        engine: node.name,
        clientOrderId: request.clientOrderId,
        purpose: intent.purpose,
        side: request.side,
        qty: formatFixed(request.qty),
      });
    },
    fillBooked(node, fill) {
      const list = booked.get(node) ?? [];
      list.push({ executionId: fill.executionId, clientOrderId: fill.clientOrderId, qty: fill.qty });
      booked.set(node, list);
      log.add('fill_booked', {
        engine: node.name,
        executionId: fill.executionId,
        clientOrderId: fill.clientOrderId,
        qty: formatFixed(fill.qty),
        price: formatFixed(fill.price),
      });
    },
  };

  const startNode = (): EngineNode => {
    const node = new EngineNode({
      name: `engine-${nodes.length + 1}`,
      venue,
      timers: simulated.timers,
      clock,
      limits,
      strategies: scenario.strategies.map((plan) => {
        const strategy = new MidPriceMomentum({
          id: plan.id,
          symbols: plan.symbols,
          period: plan.period,
          threshold: plan.thresholdBps / 10_000,
          entryQty: parseFixed(plan.entryQty),
        });
        const { restingEntryBps } = scenario.cancelFaults;
        return restingEntryBps === null ? strategy : new RestingEntries(strategy, restingEntryBps);
      }),
      symbols,
      history: simulated.history,
      random: () => prng.next(),
      dynamo,
      tables,
      account: ACCOUNT,
      log,
      hooks,
      watchdogSignals,
      ignoresLeaseLoss: options.variant === 'fenced-engine-writes',
      exitBeforeCancelsConfirmed: options.variant === 'stop-exit-before-cancels',
      cancelsIgnoringLease: options.variant === 'cancel-ignores-new-holder',
    });
    nodes.push(node);
    const { execution, risk } = node.stack;
    execution.events.subscribe((event) => {
      switch (event.type) {
        case 'order_alarm':
          log.add('order_alarm', {
            engine: node.name,
            alarm: JSON.stringify(event.alarm, (_key, value) =>
              typeof value === 'bigint' ? String(value) : value,
            ),
          });
          break;
        case 'reconciled':
        case 'unreconciled':
          log.add(event.type, { engine: node.name });
          break;
        default:
          break;
      }
    });
    risk.events.subscribe((event) => {
      log.add('risk', { engine: node.name, event: event.type });
      // Only the lease holder's stops are the account's: one a fenced-out engine triggers (a paused
      // one working through the quotes it held) cannot act, by design, and the holder judges the
      // position on the quotes of now (seed 5650).
      if (event.type === 'stop_triggered' && fenced(node, 'stopped') === null)
        monitor.onStop(clock.nowMs(), event.symbol, venueBook.get(event.symbol)?.qty ?? ZERO);
    });
    node.start().catch((error: unknown) => {
      // A start-up that throws (a store error while loading the persisted state) ends the process
      // (engine/main.ts exits non-zero); the orchestrator starts another.
      log.add('engine_exit', { engine: node.name, error: (error as Error).name });
      node.crash();
      if (!nodes.some((other) => other.alive)) restartSoon(1_000);
    });
    return node;
  };
  function restartSoon(afterMs: number): void {
    if (restartPending) return;
    restartPending = true;
    simulated.timers.setTimeout(() => {
      restartPending = false;
      startNode();
    }, afterMs);
  }

  if (options.variant === 'fill-counted-twice') {
    // The broken booking: a repeated report of an execution is booked again, with no check of its id.
    const reportedOnce = new Set<string>();
    venue.onOrderEvent((event: VenueOrderEvent) => {
      const { execution: report, order } = event;
      if (report === null || active === undefined || !active.acting) return;
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
      active.stack.portfolio.applyFill(fill);
    });
  }

  const feedMetrics = new FeedMetrics();
  /** The feed's gaps (a silent socket's), with the engines that were told to backfill them. */
  const gaps: { gap: FeedGap; nodes: EngineNode[] }[] = [];
  // Market data reaches every engine that acts (one, unless a fenced-out one goes on).
  const feedRouter: MarketDataListener = {
    onData(messages, receivedUs) {
      for (const node of nodes) {
        if (!node.acting) continue;
        node.dispatch.onData(messages, receivedUs);
        for (const message of messages) {
          if (message.type !== 'luld') continue;
          const bands = heardBands.get(node) ?? new Map();
          bands.set(message.symbol, { limitUp: message.limitUp, limitDown: message.limitDown });
          heardBands.set(node, bands);
        }
      }
    },
    onStateChange(state, previous, reason) {
      for (const node of nodes) if (node.acting) node.dispatch.onStateChange?.(state, previous, reason);
    },
    onResumed(gap) {
      const acting = nodes.filter((node) => node.acting);
      for (const node of acting) node.dispatch.onResumed?.(gap);
      gaps.push({ gap, nodes: acting });
    },
  };
  const socket = new SilentSocket({
    inner: feedRouter,
    nowMs,
    log,
    random: () => prng.next(),
    staleAfterMs: FEED_STALE_AFTER_MS,
    silenceTimeoutMs: FEED_SILENCE_TIMEOUT_MS,
  });
  const feedListener = new FaultyFeedListener(socket, feedMetrics, log, nowMs);
  const feed = simulated.openFeed({
    subscription: { quotes: symbols, trades: symbols, bars: symbols, statuses: symbols, lulds: symbols },
    listener: feedListener,
  });

  const checkOrphans = (): void =>
    monitor.checkOrphaned(
      clock.nowMs(),
      leaseView(),
      simulated.engine.openOrders().map((order) => order.clientOrderId),
      ORPHAN_BOUND_MS,
    );
  /** The gap's completed minutes whose bars the market made and the engine's series lacks. */
  const missingBars = async (node: EngineNode, gap: FeedGap): Promise<string[]> => {
    const lastUs = minuteStartUs(gap.endUs) - MINUTE_US;
    const made = await simulated.history.fetchMinuteBars(symbols, minuteStartUs(gap.startUs), lastUs);
    if (!made.ok) return [`the market's history (${made.reason})`];
    return made.items
      .filter(
        (bar) =>
          !node.marketData
            .bars(bar.symbol)
            ?.toArray()
            .some((held) => held.startUs === bar.startUs),
      )
      .map((bar) => `${bar.symbol}@${new Date(bar.startUs / 1000).toISOString()}`);
  };

  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const advance = async (toMs: number): Promise<void> => {
    simulated.advanceTo(toMs);
    socket.tick();
    feedListener.release();
    await turn();
  };

  log.add('start', { seed, symbols: symbols.join(','), faults: scenario.faults.length });
  venue.start();
  startNode();
  feed.start();
  // The cancel-on-disconnect watchdog: its own process, with its own way to the store and broker.
  const stopWatchdog =
    options.variant === 'no-watchdog'
      ? () => undefined
      : startWatchdogProcess({
          leases: new DynamoLeaseStore({
            client: dynamo.asDocumentClient(),
            table: tables.lease,
            account: ACCOUNT,
          }),
          broker: venue,
          signals: watchdogSignals,
          clock,
          timers: simulated.timers,
          log,
          phaseMs: scenario.process.watchdogPhaseMs,
          cancelling: (holderId) => {
            log.add('cancel_request', { watchdog: holderId });
            monitor.onCancel(
              clock.nowMs(),
              `the watchdog's (${holderId}) cancel of every order`,
              [holderId],
              leaseView(),
            );
          },
        });
  await turn();

  const plan = scenario.process;
  let crashDone = plan.crashAtMs === null;
  let contenderDone = plan.contenderAtMs === null;
  let cutOffDone = plan.cutOff === null;
  let killDone = plan.killSwitchAtMs === null;
  let pauseDone = plan.pause === null;
  let paused: EngineNode | undefined;

  const resumes: { atMs: number; symbol: string }[] = [];
  /** Feed faults' later steps (a LULD band's pause and end), by virtual time. */
  const later: { atMs: number; run: () => void }[] = [];
  const setBand = (symbol: string, halfWidth: number, limitState: 'up' | 'down' | null = null): void => {
    const quote = simulated.market.latestQuote(symbol);
    if (quote === undefined) return;
    const mid = (quote.bidPrice + quote.askPrice) / 2;
    const cents = Math.max(1, Math.round(mid * halfWidth * 100));
    // In cents: the band's top at the ask, its bottom at the bid, or centred on the mid.
    const top =
      limitState === 'up'
        ? Math.ceil(quote.askPrice * 100)
        : limitState === 'down'
          ? Math.floor(quote.bidPrice * 100) + 2 * cents
          : Math.round(mid * 100) + cents;
    const limitUp = top / 100;
    const limitDown = (top - 2 * cents) / 100;
    if (simulated.market.setLuld(symbol, { limitUp, limitDown }).ok)
      log.add('fault', { fault: 'luld', symbol, limitUp, limitDown });
  };
  const feedFault = (fault: FeedFaultPlan, t: number): void => {
    switch (fault.kind) {
      case 'silent_socket':
        socket.silence(fault.durationMs);
        break;
      case 'luld': {
        const { symbol, pause } = fault;
        setBand(symbol, fault.bandBps / 10_000, fault.limitState);
        if (pause !== null) {
          later.push({
            atMs: t + pause.afterMs,
            run: () => {
              // A limit state the price did not leave: the primary listing pauses trading.
              if (!simulated.market.halt(symbol).ok) return;
              log.add('fault', { fault: 'luld_pause', symbol, durationMs: pause.durationMs });
              resumes.push({ atMs: t + pause.afterMs + pause.durationMs, symbol });
            },
          });
        }
        later.push({
          atMs: t + Math.max(fault.durationMs, pause === null ? 0 : pause.afterMs + pause.durationMs),
          run: () => setBand(symbol, WIDE_BAND),
        });
        break;
      }
      case 'positions_lag':
        log.add('fault', { fault: 'positions_lag', durationMs: fault.durationMs, lagMs: fault.lagMs });
        venue.lagPositions(fault.durationMs, fault.lagMs);
        break;
    }
  };
  const repricing = scenario.repricing;
  const repricer =
    repricing === null
      ? null
      : new Repricer({
          afterMs: repricing.afterMs,
          nowMs,
          log,
          touch: (symbol, side) => {
            const quote = simulated.market.latestQuote(symbol);
            return quote === undefined ? undefined : side === 'buy' ? quote.askPrice : quote.bidPrice;
          },
          eligible: (clientOrderId) => repriceable.has(clientOrderId),
        });
  let nextFeedFault = 0;
  let nextFault = 0;
  const { cancelFaults } = scenario;
  let nextCancelFault = 0;
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
    while (
      nextCancelFault < cancelFaults.faults.length &&
      startMs + cancelFaults.faults[nextCancelFault]!.atMs <= t
    ) {
      const fault = cancelFaults.faults[nextCancelFault++]!;
      switch (fault.kind) {
        case 'slow_cancels':
          venue.slowCancels(fault.count, fault.durationMs);
          break;
        case 'cancel_race':
          venue.raceCancels(fault.count, fault.delayMs);
          break;
        case 'wash_trade':
          venue.refuseExitsAsWashTrades(fault.count);
          break;
        case 'cancel_outage':
          venue.cancelOutage(fault.durationMs);
          break;
      }
    }
    if (!crashDone && startMs + plan.crashAtMs! <= t) {
      crashDone = true;
      const victim = active;
      if (victim?.alive === true) {
        victim.crash();
        if (!nodes.some((node) => node.alive)) restartSoon(plan.restartAfterMs);
      }
    }
    if (!contenderDone && startMs + plan.contenderAtMs! <= t) {
      contenderDone = true;
      startNode();
    }
    if (!cutOffDone && startMs + plan.cutOff!.atMs <= t) {
      cutOffDone = true;
      if (active?.alive === true) {
        log.add('fault', {
          fault: 'store_cut_off',
          engine: active.name,
          durationMs: plan.cutOff!.durationMs,
        });
        active.cutOff(t + plan.cutOff!.durationMs);
      }
    }
    if (!killDone && startMs + plan.killSwitchAtMs! <= t) {
      killDone = true;
      if (active?.acting === true && !active.paused) {
        log.add('fault', { fault: 'kill_switch', engine: active.name });
        // The broker errs on the kill switch's first cancels: they must be confirmed, not assumed.
        venue.armRest(
          { kind: 'status', status: 503, when: 'before', method: 'DELETE', path: '/v2/orders/*' },
          2,
        );
        // Then 429 bursts on its further cancels and on its flatten.
        const bursts = cancelFaults.killSwitchBursts;
        if (bursts.cancels > 0)
          venue.armRest(
            { kind: 'status', status: 429, when: 'before', method: 'DELETE', path: '/v2/orders/*' },
            bursts.cancels,
          );
        if (bursts.flatten > 0)
          venue.armRest(
            { kind: 'status', status: 429, when: 'before', method: 'POST', path: '/v2/orders' },
            bursts.flatten,
          );
        active.stack.risk.killSwitch('simtest', 'operator kill switch');
      }
    }
    if (!pauseDone && startMs + plan.pause!.atMs <= t) {
      pauseDone = true;
      const victim = active;
      if (victim?.acting === true) {
        if (plan.pause!.standby && !nodes.some((node) => node !== victim && node.alive)) startNode();
        victim.pause();
        paused = victim;
      }
    }
    if (paused !== undefined && startMs + plan.pause!.atMs + plan.pause!.durationMs <= t) {
      const resumed = paused;
      paused = undefined;
      await resumed.resume(plan.pause!.resume);
    }
    while (
      nextFeedFault < scenario.feedFaults.length &&
      startMs + scenario.feedFaults[nextFeedFault]!.atMs <= t
    )
      feedFault(scenario.feedFaults[nextFeedFault++]!, t);
    if (repricer !== null && active?.acting === true) repricer.tick(active);
    for (let i = later.length - 1; i >= 0; i--) {
      if (later[i]!.atMs > t) continue;
      const [due] = later.splice(i, 1);
      due!.run();
    }
    for (let i = resumes.length - 1; i >= 0; i--) {
      if (resumes[i]!.atMs > t) continue;
      simulated.market.resume(resumes[i]!.symbol);
      log.add('resume', { symbol: resumes[i]!.symbol });
      resumes.splice(i, 1);
    }
    await advance(t);
    checkOrphans();
  }

  // The quiet end: no more faults, no more data; what the engine started may finish.
  venue.disarm();
  feedListener.release(true);
  for (const { symbol } of resumes) simulated.market.resume(symbol);
  await feed.stop();
  for (let t = endMs + STEP_MS; t <= endMs + SETTLE_MS; t += STEP_MS) {
    await advance(t);
    checkOrphans();
  }

  stopWatchdog();
  storeFaultsOn = false;
  const final = active?.alive ? active : undefined;
  if (final === undefined)
    monitor.fail('engine_trading_at_end', clock.nowMs(), 'no engine was trading at the end');
  await final?.stop();
  for (const node of nodes) if (node !== final) node.crash();
  const atMs = clock.nowMs();
  monitor.checkOrders(atMs, venue.accepted, announced);
  monitor.checkReplacedFills(atMs, venue.accepted, executed, sentQty);
  for (const [, list] of booked) monitor.checkFills(atMs, everTraded === 1 ? executed : null, list);
  const venuePositions = new Map(
    (await simulated.venue.listPositions()).map((position) => [position.symbol, position]),
  );
  if (final !== undefined) {
    const enginePositions = new Map(
      final.stack.portfolio.openPositions().map((position) => [position.symbol, position]),
    );
    monitor.checkPositions(atMs, enginePositions, venuePositions, ENTRY_SLACK);
    // One engine booked every fill: its realised P&L is the whole run's (a restarted engine's starts
    // from the venue's positions and realises only what it booked itself).
    if (everTraded === 1) {
      const { portfolio } = final.stack;
      const realized = new Map(
        [...portfolio.symbols()].map((symbol) => [symbol, portfolio.position(symbol).realizedPnl]),
      );
      monitor.checkRealizedPnl(atMs, realized, portfolio.pnl().realized, venueExecutions);
    }
    const reader = new DynamoStore({ client: dynamo.asDocumentClient(), tables, account: ACCOUNT });
    const storedOrders = await reader.listOrders();
    const storedFills = await reader.listFills(newYorkDate(startMs));
    monitor.checkPersisted(
      atMs,
      venue.accepted.map((order) => order.clientOrderId),
      new Set(storedOrders.items.map((order) => order.clientOrderId)),
      (clientOrderId) => final.stack.execution.tracker.knows(clientOrderId),
      executed,
      storedFills.items,
    );
  }
  const exitsWorking = new Set(
    simulated.engine
      .openOrders()
      .filter((order) => riskExits.has(order.clientOrderId))
      .map((order) => order.symbol),
  );
  monitor.checkStops(
    atMs,
    new Map([...venuePositions].map(([symbol, position]) => [symbol, position.qty])),
    exitsWorking,
    endMs - STOP_JUDGED_MS,
  );
  monitor.checkMalformed(atMs, feedListener.malformedDelivered);
  for (const { gap, nodes: told } of gaps)
    if (final !== undefined && told.includes(final))
      monitor.checkBackfill(atMs, final.name, await missingBars(final, gap));
  for (const violation of monitor.violations)
    log.add('violation', { invariant: violation.invariant, detail: violation.detail });
  const fills = [...booked.values()].reduce((sum, list) => sum + list.length, 0);
  log.add('end', {
    orders: venue.accepted.length,
    fills,
    engines: nodes.length,
    violations: monitor.violations.length,
  });

  simulated.close();
  const refusals = new Map<string, number>();
  for (const node of nodes)
    for (const [reason, count] of node.stack.refusals)
      refusals.set(reason, (refusals.get(reason) ?? 0) + count);
  return {
    seed,
    ok: monitor.violations.length === 0,
    violations: monitor.violations,
    log,
    orders: venue.accepted.length,
    fills,
    faults: scenario.faults.length,
    engines: nodes.length,
    refusals: Object.fromEntries(refusals),
  };
}
