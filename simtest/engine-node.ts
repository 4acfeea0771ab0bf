/**
 * One engine process in a simulation run: the backtest's trading stack with what the live engine
 * (engine/trading-engine.ts) adds for persistence — the recorder on a write-behind queue, the
 * store over the shared in-memory DynamoDB, the lease and its fencing check before every send —
 * and the restart path: take the lease (standing by while another engine holds it, waiting for a
 * dead one's to lapse), load the persisted state, then connect trade updates, which reconciles
 * with the venue before any entry.
 *
 * `crash` drops the process at once, with no graceful stop: from then on none of its code runs.
 * Its timers never fire, no answer from the venue or the store reaches it (a request already made
 * has taken effect or not, as the venue or store decided), and neither do order events or market
 * data; its write-behind queue is simply gone.
 *
 * `pause` stops the process without losing anything (a long GC pause, a frozen container,
 * SIGSTOP): none of its code runs, and what comes due or arrives meanwhile — its timers, answers
 * to requests already made, order events, market data — waits. `resume` runs it all, late, with
 * the memory the process had: timers first or arrivals first, as an event loop woken in its
 * timers phase or in its poll phase would.
 *
 * A lost lease is handled as engine/trading-engine.ts does: stop sending, drop the queued writes,
 * then cancel the working orders when that is safe (cancelAfterLeaseLoss, the watchdog's run),
 * and the process exits once that is done.
 */
import { Registry } from 'prom-client';
import { type BacktestStack, createBacktestStack } from '../backtest/backtest-stack.ts';
import { adoptedOrderIntent, needsAdoption } from '../engine/execution/order-adoption.ts';
import { OrderSettlement } from '../engine/execution/order-settlement.ts';
import { RiskActionExecutor } from '../engine/execution/risk-actions.ts';
import {
  MarketDataService,
  type MarketDataServiceOptions,
} from '../engine/marketdata/market-data-service.ts';
import { cancelAfterLeaseLoss } from '../engine/persistence/cancel-after-lease-loss.ts';
import { EngineLease } from '../engine/persistence/engine-lease.ts';
import { EngineRecorder } from '../engine/persistence/engine-recorder.ts';
import { loadPersistedState } from '../engine/persistence/load-persisted-state.ts';
import { WriteBehindQueue } from '../engine/persistence/write-behind-queue.ts';
import { MarketDataDispatch } from '../engine/strategy/market-data-dispatch.ts';
import type { RiskLimits } from '../shared/config/risk-schema.ts';
import type { Fill } from '../shared/domain/fill.ts';
import type { OrderIntent } from '../shared/domain/order.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { DynamoLeaseStore } from '../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../shared/store/dynamo-store.ts';
import type { MemoryDynamoClient } from '../shared/store/memory-dynamo-client.ts';
import type { TableNames } from '../shared/store/table-definitions.ts';
import type { Strategy } from '../shared/strategies/strategy.ts';
import type { ManualClock } from '../shared/time/clock.ts';
import { newYorkDate } from '../shared/time/new-york-time.ts';
import type { Timers } from '../shared/time/timers.ts';
import { FeedMetrics } from '../shared/venue/feed-metrics.ts';
import type { MarketDataListener } from '../shared/venue/market-data-feed.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import type { OrderRequest, VenueOrder } from '../shared/venue/venue-types.ts';
import type { WatchdogSignals } from '../shared/watchdog/lease-watchdog.ts';
import type { EventLog } from './event-log.ts';
import { NodeVenue } from './node-venue.ts';
import type { ResumeOrder } from './scenario.ts';

/** The live engine's resync lookback: a restart must see every order of the session. */
const RESYNC_LOOKBACK_MS = 24 * 60 * 60 * 1000;
const STALE_AFTER_MS = 10_000;
/** The lease's production timing: 15 s lifetime, renewed every 5 s, sending stops 2 s early. */
export const LEASE_TTL_MS = 15_000;

export type NodePhase = 'standby' | 'trading' | 'refused' | 'crashed' | 'stopped';

export interface EngineNodeHooks {
  /** An order (submission or replacement) about to reach the venue from this engine. */
  sending(node: EngineNode, request: OrderRequest | null): void;
  /** A write to the state table about to reach the store from this engine. */
  writing(node: EngineNode, command: string): void;
  /** A cancel (of one order; null: of all) about to reach the venue from this engine. */
  cancelling(node: EngineNode, orderId: string | null): void;
  trading(node: EngineNode): void;
  /** The lease was lost; `handled` settles once the engine has done what it does then (its cancel). */
  leaseLost(node: EngineNode, handled: Promise<void>): void;
  orderSending(node: EngineNode, request: OrderRequest, intent: OrderIntent): void;
  fillBooked(node: EngineNode, fill: Fill): void;
}

export interface EngineNodeOptions {
  readonly name: string;
  readonly venue: TradingVenue;
  readonly timers: Timers;
  readonly clock: ManualClock;
  readonly limits: RiskLimits;
  readonly strategies: readonly Strategy[];
  readonly symbols: readonly string[];
  readonly history: MarketDataServiceOptions['history'];
  readonly random: () => number;
  readonly dynamo: MemoryDynamoClient;
  readonly tables: TableNames;
  readonly account: string;
  readonly log: EventLog;
  readonly hooks: EngineNodeHooks;
  /** Where the lease-loss cancel reports a lapsed lease (the P0 signal). */
  readonly watchdogSignals: WatchdogSignals;
  /** Broken variant `fenced-engine-writes`: a lost lease is ignored; the engine sends and writes on. */
  readonly ignoresLeaseLoss?: boolean;
  /** Broken variant `stop-exit-before-cancels`: a stop's exit goes out once its cancels are requested. */
  readonly exitBeforeCancelsConfirmed?: boolean;
  /** Broken variant `cancel-ignores-new-holder`: a lost lease cancels every order, under no lease. */
  readonly cancelsIgnoringLease?: boolean;
}

export class EngineNode {
  readonly name: string;
  readonly stack: BacktestStack;
  readonly lease: EngineLease;
  readonly queue: WriteBehindQueue;
  readonly recorder: EngineRecorder;
  readonly venue: NodeVenue;
  /** This engine's market-data path; the run's feed reaches it only while it trades. */
  readonly dispatch: MarketDataListener;
  /** Its books, freshness and minute bars (the invariants read the bars a gap's backfill left). */
  readonly marketData: MarketDataService;
  #phase: NodePhase = 'standby';
  #alive = true;
  /** While paused: the timers that came due (by handle) and what arrived, each in order. */
  #held: { readonly timers: unknown[]; readonly arrivals: (() => void)[] } | null = null;
  /** Timers that came due while paused and have not run: one the resumed process clears never runs. */
  readonly #due = new Map<unknown, () => void>();
  /** Until this virtual time every store request of this engine fails (it is cut off from DynamoDB). */
  #cutOffUntilMs = 0;
  readonly #options: EngineNodeOptions;

  constructor(options: EngineNodeOptions) {
    this.name = options.name;
    this.#options = options;
    const { clock, hooks } = options;
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        const handle = options.timers.setTimeout(() => {
          if (!this.#alive) return;
          if (this.#held === null) callback();
          else {
            this.#due.set(handle, callback);
            this.#held.timers.push(handle);
          }
        }, ms);
        return handle;
      },
      // Like the global clearTimeout, clearing nothing is allowed (the lease clears before it first sets).
      clearTimeout: (handle) => {
        if (handle === undefined) return;
        options.timers.clearTimeout(handle);
        this.#due.delete(handle);
      },
    };
    this.venue = new NodeVenue({
      inner: options.venue,
      alive: () => this.#alive,
      deliver: (arrival) => this.#deliver(arrival),
      sending: (request) => hooks.sending(this, request),
      cancelling: (orderId) => hooks.cancelling(this, orderId),
    });
    const logger = createLogger({ name: options.name, level: 'silent' });
    const dynamo = this.#documentClient();
    const store = new DynamoStore({ client: dynamo, tables: options.tables, account: options.account });
    const leases = new DynamoLeaseStore({
      client: dynamo,
      table: options.tables.lease,
      account: options.account,
    });
    const queue = new WriteBehindQueue({
      writer: store,
      registry: new Registry(),
      logger,
      clock,
      timers,
      random: options.random,
      // The broken variant writes on whatever became of its lease.
      mayWrite: () => options.ignoresLeaseLoss === true || this.lease.mayWrite(),
    });
    this.queue = queue;
    this.lease = new EngineLease({
      store: leases,
      clock,
      logger,
      holderId: options.name,
      ttlMs: LEASE_TTL_MS,
      timers,
      onLost: (loss) => {
        options.log.add('lease_lost', {
          engine: this.name,
          reason: loss.reason,
          fencingToken: loss.fencingToken,
        });
        if (options.ignoresLeaseLoss === true) return;
        queue.discard(`lease lost: ${loss.reason}`);
        if (this.#phase !== 'trading') return;
        this.#phase = 'refused';
        const cancel =
          options.cancelsIgnoringLease === true
            ? () => this.venue.cancelAllOrders().then(() => ({ outcome: 'cancelled' as const }))
            : cancelAfterLeaseLoss;
        const handled = cancel({
          leases,
          broker: this.venue,
          signals: options.watchdogSignals,
          clock,
          log: { info: () => undefined, error: () => undefined },
          lease: this.lease,
          sleep: (ms) => new Promise((resolve) => timers.setTimeout(resolve, ms)),
        }).then(
          (result) => options.log.add('lease_loss_cancel', { engine: this.name, outcome: result.outcome }),
          (error: unknown) =>
            options.log.add('lease_loss_cancel', { engine: this.name, error: (error as Error).name }),
        );
        hooks.leaseLost(this, handled);
      },
    });
    let recorder: EngineRecorder | undefined;
    this.stack = createBacktestStack({
      venue: { venue: this.venue, timers },
      clock,
      limits: options.limits,
      strategies: options.strategies,
      random: options.random,
      sendGuard: () => this.#sendGuard(),
      onRiskEvent: (event) => recorder?.riskEvent(event),
      resyncLookbackMs: RESYNC_LOOKBACK_MS,
      loggerName: options.name,
    });
    const { execution, portfolio, risk } = this.stack;
    recorder = new EngineRecorder({
      queue,
      writes: store.writes,
      portfolio,
      clock,
      fencingToken: () => this.lease.fencingToken,
      scheduleFlush: (flush) => setImmediate(() => this.#deliver(flush)),
    });
    this.recorder = recorder;
    execution.events.subscribe((event) => {
      switch (event.type) {
        case 'order_sending':
          this.recorder.submitted(event.request, event.intent);
          hooks.orderSending(this, event.request, event.intent);
          break;
        case 'order_reported':
          this.#onOrderUpdate(event.order, event.intent);
          break;
        case 'fill_booked':
          this.recorder.fill(event.fill, event.realized);
          hooks.fillBooked(this, event.fill);
          break;
        default:
          break;
      }
    });
    if (options.exitBeforeCancelsConfirmed === true) this.#breakStopExits(logger, timers);

    const metrics = new FeedMetrics();
    const marketData = new MarketDataService({
      clock,
      metrics,
      symbols: options.symbols,
      staleAfterMs: STALE_AFTER_MS,
      feedBarSymbols: options.symbols,
      ...(options.history === undefined ? {} : { history: options.history }),
      onBar: (bar) => this.stack.host.onBar(bar),
    });
    this.marketData = marketData;
    const dispatch = new MarketDataDispatch(marketData, risk, this.stack.host, options.symbols);
    // The feed's arrays are its own: a paused process keeps a copy of what reached its socket.
    this.dispatch = {
      onData: (messages, receivedUs) => {
        const held = [...messages];
        this.#deliver(() => dispatch.onData(held, receivedUs));
      },
      onStateChange: (state, previous) => this.#deliver(() => dispatch.onStateChange(state, previous)),
      onResumed: (gap) => this.#deliver(() => dispatch.onResumed(gap)),
    };
    this.#store = store;
  }

  readonly #store: DynamoStore;

  get phase(): NodePhase {
    return this.#phase;
  }

  get alive(): boolean {
    return this.#alive;
  }

  get paused(): boolean {
    return this.#held !== null;
  }

  get holderId(): string {
    return this.lease.holderId;
  }

  /** Whether this engine still acts: trading, or (the broken variant) fenced out and going on. */
  get acting(): boolean {
    return (
      this.#alive &&
      (this.#phase === 'trading' || (this.#phase === 'refused' && this.#options.ignoresLeaseLoss === true))
    );
  }

  /** Every store request of this engine fails with a 500 until `untilMs` (a network partition). */
  cutOff(untilMs: number): void {
    this.#cutOffUntilMs = untilMs;
  }

  /**
   * The restart path: the lease (standing by while it is held elsewhere), the persisted state,
   * then trade updates, whose first reconciliation opens entries.
   */
  async start(): Promise<void> {
    const { log, clock } = this.#options;
    log.add('engine_start', { engine: this.name });
    const taken = await this.lease.startWhenFree({ timeoutMs: Number.MAX_SAFE_INTEGER, retryEveryMs: 1_000 });
    if (!this.#alive) return;
    if (!taken.ok) {
      this.#phase = 'refused';
      log.add('engine_refused', { engine: this.name, reason: taken.message });
      return;
    }
    const loaded = await loadPersistedState(this.#store, newYorkDate(clock.nowMs()));
    if (!this.#alive) return;
    if (!loaded.ok) {
      this.#phase = 'refused';
      log.add('engine_refused', { engine: this.name, reason: loaded.message });
      return;
    }
    const { state } = loaded;
    this.recorder.restore(state.workingOrders, state.fills);
    const { risk, execution, portfolio } = this.stack;
    const stopChecking = risk.events.on('broker_state', ({ reconciled }) => {
      if (!reconciled) return;
      stopChecking();
      const current = portfolio.openPositions();
      this.recorder.positions([...state.positions, ...current].map(({ symbol }) => symbol));
    });
    if (state.breaker !== null && state.breaker.state !== 'normal')
      risk.haltTrading('engine-restart', `the circuit breaker was ${state.breaker.state} before the restart`);
    if (this.#phase !== 'standby') return;
    this.#phase = 'trading';
    log.add('engine_trading', {
      engine: this.name,
      fencingToken: this.lease.fencingToken ?? 0,
      workingOrders: state.workingOrders.length,
      fills: state.fills.length,
    });
    execution.start();
    this.#options.hooks.trading(this);
  }

  /** The process stops running here, keeping everything; `resume` runs what it missed. */
  pause(): void {
    if (!this.#alive || this.#held !== null) return;
    this.#held = { timers: [], arrivals: [] };
    this.#options.log.add('engine_pause', { engine: this.name, phase: this.#phase });
  }

  /**
   * The process runs again: what it held, in `order`, each followed by the promises it set off (as
   * the event loop drains them between callbacks), with no virtual time passing meanwhile.
   */
  async resume(order: ResumeOrder): Promise<void> {
    const held = this.#held;
    if (held === null || !this.#alive) return;
    this.#held = null;
    this.#options.log.add('engine_resume', {
      engine: this.name,
      timers: held.timers.length,
      arrivals: held.arrivals.length,
      order,
    });
    const timers = held.timers.map((handle) => () => {
      const callback = this.#due.get(handle);
      this.#due.delete(handle);
      callback?.();
    });
    const runs = order === 'timers_first' ? [...timers, ...held.arrivals] : [...held.arrivals, ...timers];
    for (const run of runs) {
      if (!this.#alive) return;
      run();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The process dies here: nothing of it runs again. */
  crash(): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#phase = 'crashed';
    this.#options.log.add('engine_crash', { engine: this.name, queued: this.queue.depth });
  }

  /** The clean end of a run: what the engine still holds is written, the lease released. */
  async stop(): Promise<void> {
    if (!this.#alive) return;
    this.#phase = 'stopped';
    await this.stack.stop();
    this.recorder.flushSubmitted();
    await this.queue.drain(30_000);
    await this.lease.stop('engine stopped');
  }

  #sendGuard(): string | null {
    // The broken variant trades on whatever became of its lease.
    if (this.#options.ignoresLeaseLoss === true && this.#phase === 'trading') return null;
    if (this.#phase !== 'trading') return `the engine is not trading (${this.#phase})`;
    const token = this.lease.fencingToken;
    return token !== null && this.lease.canSend(token) ? null : 'the engine lease is not held';
  }

  #onOrderUpdate(order: VenueOrder, intent: OrderIntent | undefined): void {
    this.recorder.order(order, intent);
    const { risk, execution } = this.stack;
    if (
      !needsAdoption(
        order,
        intent,
        (clientOrderId) => risk.isTracking(clientOrderId),
        (clientOrderId) => execution.tracker.get(clientOrderId)?.isTerminal === true,
      )
    )
      return;
    this.#options.log.add('adopted', { engine: this.name, clientOrderId: order.clientOrderId });
    risk.onOrderSubmitted(
      order.clientOrderId,
      adoptedOrderIntent(order, execution.tracker, this.#options.clock.nowMs()),
    );
  }

  /** What reaches the process from outside: now, when it resumes, or (dead) never. */
  #deliver(arrival: () => void): void {
    if (!this.#alive) return;
    if (this.#held === null) arrival();
    else this.#held.arrivals.push(arrival);
  }

  /** The store as this process reaches it: gone when it crashed, failing while it is cut off. */
  #documentClient() {
    const { dynamo, tables, hooks, clock } = this.#options;
    const send = (command: { input?: Record<string, unknown> }): Promise<unknown> => {
      if (!this.#alive) return new Promise(() => undefined);
      const input = command.input ?? {};
      const writesState =
        input.TableName === tables.state
          ? 'Item' in input || 'UpdateExpression' in input
          : tables.state in ((input.RequestItems as object | undefined) ?? {});
      if (clock.nowMs() < this.#cutOffUntilMs)
        return Promise.reject(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }));
      if (writesState) hooks.writing(this, command.constructor.name);
      return new Promise((resolve, reject) => {
        dynamo.send(command).then(
          (output) => this.#deliver(() => resolve(output)),
          (error: unknown) => this.#deliver(() => reject(error)),
        );
      });
    };
    return { send } as unknown as ReturnType<MemoryDynamoClient['asDocumentClient']>;
  }

  /**
   * The broken variant: a second executor replaces the stack's, whose cancels are only requested —
   * the exit goes out as soon as the cancel requests are, before the venue confirms them.
   */
  #breakStopExits(logger: ReturnType<typeof createLogger>, timers: Timers): void {
    const { execution, portfolio, risk, riskActions } = this.stack;
    riskActions.stop();
    const requested = new Set<string>();
    const settlement = new OrderSettlement({
      events: execution.events,
      router: execution.router,
      tracker: execution.tracker,
      logger,
      timers,
    });
    settlement.cancelAndConfirm = async (clientOrderId, onCancel) => {
      requested.add(clientOrderId);
      void execution.router.cancel(clientOrderId).then(
        () => onCancel('requested'),
        () => onCancel('failed'),
      );
    };
    const broken = new RiskActionExecutor({
      settlement,
      router: execution.router,
      tracker: {
        openOrders: () =>
          execution.tracker.openOrders().filter((order) => !requested.has(order.clientOrderId)),
        get: (clientOrderId) => execution.tracker.get(clientOrderId),
        knows: (clientOrderId) => execution.tracker.knows(clientOrderId),
      },
      position: (symbol) => portfolio.position(symbol).qty,
      sessionDate: () => risk.sessionDate,
      referencePrice: (symbol) => portfolio.position(symbol).avgEntryPrice,
      clock: this.#options.clock,
      logger,
      registry: new Registry(),
    });
    risk.events.subscribe((event) => broken.onRiskEvent(event));
  }
}
