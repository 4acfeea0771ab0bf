/**
 * The engine's parts and how they connect: feed → books → risk and strategies → router →
 * broker, and trade updates → order state → portfolio and risk, with every order, fill and risk
 * event recorded beside the path (write-behind, never awaited). Built from injected adapters so
 * that local, paper and live run this same code; main.ts only reads config and calls start/stop.
 *
 * Start order matters. With persistence: take the account's lease (standing by while another
 * engine holds it), load the persisted state, then connect trade updates — the router reconciles
 * orders and positions with the broker when the stream is ready, and risk refuses new exposure
 * until then — and only then market data, so no decision is made before the engine knows what it
 * holds. Nothing trades before the broker's calendar is loaded, or found unreachable so that the
 * built-in NYSE rules stand in; it is refreshed daily.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HealthAnswer, LatencyAnswer, ReadyAnswer } from '../shared/api/engine-api-schemas.ts';
import { FeedClient } from '../shared/broker/alpaca/market-data/feed-client.ts';
import { MarketDataHistoryClient } from '../shared/broker/alpaca/market-data/history-client.ts';
import type { TradingCredentials } from '../shared/broker/alpaca/trading-client.ts';
import type { Config } from '../shared/config/load-config.ts';
import type { RiskLimits } from '../shared/config/risk-schema.ts';
import { type Fixed, fixedFromNumber } from '../shared/domain/fixed.ts';
import type { OrderIntent } from '../shared/domain/order.ts';
import { isCryptoSymbol } from '../shared/domain/symbol.ts';
import type { Logger } from '../shared/logging/logger.ts';
import type { Strategy, StrategyContext } from '../shared/strategies/strategy.ts';
import type { Clock } from '../shared/time/clock.ts';
import { newYorkDate } from '../shared/time/new-york-time.ts';
import { TradingCalendar } from '../shared/time/trading-calendar.ts';
import { FeedMetrics } from '../shared/venue/feed-metrics.ts';
import type { MarketDataFeed } from '../shared/venue/market-data-feed.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import type { VenueOrder } from '../shared/venue/venue-types.ts';
import type { EngineControl } from './api/engine-control.ts';
import { registerRiskMetrics } from './api/risk-metrics.ts';
import { BrokerCalendarService } from './calendar/broker-calendar-service.ts';
import { EngineControlView } from './control/engine-control-view.ts';
import { IntradayPnl } from './control/intraday-pnl.ts';
import { OrderBlotter } from './control/order-blotter.ts';
import { RecentFills } from './control/recent-fills.ts';
import { BrokerProtection } from './execution/broker-protection.ts';
import type { ExecutionService } from './execution/execution-service.ts';
import { adoptedOrderIntent, needsAdoption } from './execution/order-adoption.ts';
import { FINISHED_ORDER_RETENTION_MS } from './execution/order-reports.ts';
import type { SubmitResult } from './execution/order-router.ts';
import type { OrderSettlement } from './execution/order-settlement.ts';
import type { RiskActionExecutor } from './execution/risk-actions.ts';
import { FeedConnectionWatch } from './marketdata/feed-connection-watch.ts';
import { MarketDataService } from './marketdata/market-data-service.ts';
import type { EngineNotifier } from './notifications/engine-notifier.ts';
import { EngineRecorder } from './persistence/engine-recorder.ts';
import { loadPersistedState } from './persistence/load-persisted-state.ts';
import type { Persistence } from './persistence/persistence.ts';
import { positionDifferences } from './persistence/restart-position-check.ts';
import { RestartPositionReport } from './persistence/restart-position-report.ts';
import type { Portfolio } from './portfolio/portfolio.ts';
import type { RiskManager } from './risk/risk-manager.ts';
import { createSignalPath, type SignalPath } from './signals/signal-path.ts';
import { MarketDataDispatch } from './strategy/market-data-dispatch.ts';
import { strategyExposureQty } from './strategy/strategy-exposure.ts';
import { StrategyHost } from './strategy/strategy-host.ts';
import { createAlpacaTradingVenue } from './wiring/alpaca-trading-venue.ts';
import { createTradingCore } from './wiring/trading-core.ts';

/** A restart must see every order of the session, not only those of the last minute. */
const RESYNC_LOOKBACK_MS = 24 * 60 * 60 * 1000;
const LEASE_WAIT_SLICE_MS = 5_000;

const HOUSEKEEPING_EVERY_MS = 1_000;
const FORGET_EVERY_RUNS = 60;

export interface TradingEngineOptions {
  readonly config: Config;
  readonly credentials: TradingCredentials;
  readonly strategies: readonly Strategy[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Absent: nothing is recorded and no lease is taken (tests, and the persistence-off benchmark). */
  readonly persistence?: Persistence;
  /** Where orders go; absent: Alpaca (or the simulator) at the config's broker URLs. */
  readonly venue?: TradingVenue;
  /** Told of what operators must hear about (breaker trips, lease loss, feeds down, ...). */
  readonly notifier?: EngineNotifier;
}

type Phase =
  | { readonly kind: 'created' }
  | { readonly kind: 'standby'; readonly reason: string }
  | { readonly kind: 'trading' }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'stopped' };

export class TradingEngine {
  /** The session and market hours risk goes by: the broker's calendar, or the rules until it is known. */
  readonly calendar = new TradingCalendar();
  readonly risk: RiskManager;
  readonly portfolio: Portfolio;
  readonly execution: ExecutionService;
  /** Carries out risk's stop exits and the kill switch. */
  readonly riskActions: RiskActionExecutor;
  /** Waits on the broker's confirmations for the executor and the protection, woken by every report. */
  readonly #settlement: OrderSettlement;
  /** With stops held at the broker: each position's protective order there. */
  readonly protection: BrokerProtection | undefined;
  readonly marketData: MarketDataService;
  readonly strategies: StrategyHost;
  /** With a `signals` config and a strategy that takes signals: bar windows out, signals in, over SQS. */
  readonly signals: SignalPath | undefined;
  readonly feeds: readonly MarketDataFeed[];
  /** What every feed counts: messages by kind, feed lag, gaps. */
  readonly feedMetrics = new FeedMetrics();
  /** Each feed's connection watch, in the order of `feeds`. */
  readonly feedConnections: readonly FeedConnectionWatch[];
  readonly recorder: EngineRecorder | undefined;
  /** What the operator sees of orders, fills and the day's P&L curve (API and dashboard). */
  readonly blotter: OrderBlotter;
  readonly recentFills = new RecentFills();
  readonly intradayPnl = new IntradayPnl();
  readonly limits: RiskLimits;
  readonly clock: Clock;
  readonly log: Logger;
  /** Settles with the reason when the engine can no longer trade (lease lost, fatal feed error). */
  readonly halted: Promise<string>;
  readonly #persistence: Persistence | undefined;
  readonly #notifier: EngineNotifier | undefined;
  readonly #calendarService: BrokerCalendarService;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #refusals: Counter<'reason'>;
  readonly #adopted: Counter<'origin'>;
  readonly #watchedSymbols: ReadonlySet<string>;
  readonly #feedNames: readonly string[];
  /** Unwatched positions already logged, so each is reported once. */
  readonly #unwatchedReported = new Set<string>();
  readonly #restartPositions: RestartPositionReport;
  #phase: Phase = { kind: 'created' };
  /** A refused engine (lease lost, fatal feed) still has a stream and timers to stop. */
  #executionStarted = false;
  #housekeeping: NodeJS.Timeout | undefined;
  #housekeepingRuns = 0;
  /** Settles when the cancel after a lease loss is done; stop waits for it before closing. */
  #cancelAfterLoss: Promise<void> = Promise.resolve();
  #halt: (reason: string) => void = () => undefined;

  constructor(options: TradingEngineOptions) {
    const { config, credentials, clock, logger, registry, persistence } = options;
    const { system } = config;
    this.#log = logger;
    this.log = logger;
    this.#clock = clock;
    this.clock = clock;
    this.limits = config.risk;
    this.#persistence = persistence;
    this.#notifier = options.notifier;
    this.halted = new Promise((resolve) => {
      this.#halt = resolve;
    });
    this.#refusals = new Counter({
      name: 'engine_intents_refused_total',
      help: 'Order intents not sent, by reason (risk rule, trading paused, ...)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.#adopted = new Counter({
      name: 'engine_orders_adopted_total',
      help: 'Working orders found at the broker that this process did not send (after a restart, or external)',
      labelNames: ['origin'],
      registers: [registry],
    });

    this.#watchedSymbols = new Set(system.marketData.symbols);
    const unwatched: Gauge = new Gauge({
      name: 'engine_unwatched_positions',
      help: 'Open positions in symbols the engine receives no market data for: their engine-side stops cannot run (subscribe the symbol, or hold stops at the broker)',
      registers: [registry],
      collect: () => unwatched.set(this.#unwatchedPositions().length),
    });
    this.#restartPositions = new RestartPositionReport(registry, logger.child({ component: 'persistence' }));
    const core = createTradingCore({
      venue:
        options.venue ??
        createAlpacaTradingVenue({
          tradingUrl: system.broker.tradingUrl,
          tradingStreamUrl: system.broker.tradingStreamUrl,
          credentials,
          clock,
          logger: logger.child({ component: 'execution' }),
          metrics: registry,
        }),
      clock,
      logger,
      registry,
      limits: config.risk,
      calendar: this.calendar,
      requestsPerMinute: config.risk.broker.requests_per_minute,
      onRiskEvent: (event) => {
        logger.warn({ riskEvent: event }, `risk: ${event.type}`);
        this.recorder?.riskEvent(event);
        this.#notifier?.riskEvent(event);
      },
      markOf: (symbol) => this.markPrice(symbol),
      sendGuard: () => this.#sendGuard(),
      resyncLookbackMs: RESYNC_LOOKBACK_MS,
    });
    this.portfolio = core.portfolio;
    this.risk = core.risk;
    this.execution = core.execution;
    this.#settlement = core.settlement;
    this.riskActions = core.riskActions;
    registerRiskMetrics(registry, this.risk);
    this.recorder =
      persistence === undefined
        ? undefined
        : new EngineRecorder({
            queue: persistence.queue,
            writes: persistence.store.writes,
            portfolio: this.portfolio,
            clock,
            fencingToken: () => persistence.lease.fencingToken,
          });
    this.blotter = new OrderBlotter(
      (clientOrderId, intent) =>
        intent?.strategyId ?? this.recorder?.provenanceOf(clientOrderId)?.origin ?? 'external',
    );
    this.execution.events.subscribe((event) => {
      switch (event.type) {
        case 'order_sending':
          this.recorder?.submitted(event.request, event.intent);
          this.blotter.sending(event.request, event.intent, clock.nowMs());
          break;
        case 'order_reported':
          this.#onOrderUpdate(event.order, event.intent);
          this.blotter.reported(event.order, event.intent);
          break;
        case 'order_status':
          this.blotter.statusChanged(event.clientOrderId, event.status, clock.nowMs());
          break;
        case 'fill_booked':
          this.recorder?.fill(event.fill, event.realized);
          this.recentFills.booked(event.fill, event.realized);
          break;
        case 'connection':
          if (event.state === 'fatal')
            this.#onStreamFatal(event.fault ?? new Error('trade updates stream failed'));
          break;
      }
    });
    this.#calendarService = new BrokerCalendarService({
      broker: this.execution.venue,
      calendar: this.calendar,
      clock,
      logger: logger.child({ component: 'calendar' }),
      registry,
      schedule: (request) => this.execution.scheduler.run('query', request),
    });

    this.protection =
      config.risk.stops.mode === 'broker'
        ? new BrokerProtection({
            events: this.execution.events,
            settlement: this.#settlement,
            router: this.execution.router,
            tracker: this.execution.tracker,
            position: (symbol) => this.portfolio.position(symbol),
            ready: () => this.router.entriesAllowed,
            isClosing: (symbol) => this.riskActions.isClosing(symbol),
            sessionDate: () => this.risk.sessionDate,
            referencePrice: (symbol) =>
              this.markPrice(symbol) ?? this.portfolio.position(symbol).avgEntryPrice,
            stopLossPct: config.risk.loss.stop_loss_pct,
            trailingStopPct: config.risk.loss.trailing_stop_pct,
            clock,
            logger: logger.child({ component: 'broker-protection' }),
            registry,
          })
        : undefined;

    const context: StrategyContext = {
      exposureQty: (symbol) => this.#exposureQty(symbol),
      submit: (intent) => this.#submit(intent),
      nowMs: () => clock.nowMs(),
    };
    this.strategies = new StrategyHost(options.strategies, context, ({ strategyId, error }) =>
      logger.error({ err: error, strategyId }, 'strategy failed and was disabled'),
    );

    const signalSymbols = [
      ...new Set(options.strategies.filter((s) => s.onSignal !== undefined).flatMap((s) => s.symbols)),
    ];
    this.signals =
      system.signals === undefined || signalSymbols.length === 0
        ? undefined
        : createSignalPath({
            config: system.signals,
            symbols: signalSymbols,
            onSignal: (signal) => this.strategies.onSignal(signal),
            clock,
            registry,
            logger,
          });

    const symbols = system.marketData.symbols;
    const feedMetrics = this.feedMetrics;
    feedMetrics.register(registry, clock);
    this.marketData = new MarketDataService({
      clock,
      metrics: feedMetrics,
      symbols,
      staleAfterMs: system.marketData.staleAfterMs,
      feedBarSymbols: symbols,
      history: new MarketDataHistoryClient({
        baseUrl: system.broker.dataUrl,
        keyId: credentials.keyId,
        secretKey: credentials.secretKey,
        stockFeed: system.marketData.feed,
      }),
      logger: logger.child({ component: 'marketdata' }),
      onBar: (bar, acceptance) => {
        this.strategies.onBar(bar);
        // A minute that just closed; a correction or a backfilled minute is not a new signal.
        if (acceptance === 'appended' && this.signals?.publisher.wants(bar.symbol))
          this.signals.publisher.publish(
            bar.symbol,
            this.marketData.bars(bar.symbol)!.signalWindow(this.signals.windowBars),
          );
      },
    });

    // Stocks and crypto stream from different endpoints, so each asset class gets its own feed.
    const stocks = symbols.filter((symbol) => !isCryptoSymbol(symbol));
    const crypto = symbols.filter((symbol) => isCryptoSymbol(symbol));
    const connections: FeedConnectionWatch[] = [];
    const feed = (url: string, list: readonly string[], books: boolean): MarketDataFeed => {
      const connection = new FeedConnectionWatch(clock);
      connections.push(connection);
      return new FeedClient({
        url,
        keyId: credentials.keyId,
        secretKey: credentials.secretKey,
        subscription: {
          quotes: list,
          trades: list,
          bars: list,
          updatedBars: list,
          dailyBars: list,
          ...(books ? { orderbooks: list } : { statuses: list, lulds: list }),
        },
        listener: new MarketDataDispatch(this.marketData, this.risk, this.strategies, list, connection),
        clock,
        metrics: feedMetrics,
        staleAfterMs: system.marketData.staleAfterMs,
        onFatal: (error) => this.#onStreamFatal(error),
        logger: logger.child({ component: 'feed', url }),
      });
    };
    this.feeds = [
      ...(stocks.length > 0 ? [feed(system.broker.marketDataStreamUrl, stocks, false)] : []),
      ...(crypto.length > 0 ? [feed(system.broker.cryptoDataStreamUrl, crypto, true)] : []),
    ];
    this.#feedNames = [...(stocks.length > 0 ? ['stocks'] : []), ...(crypto.length > 0 ? ['crypto'] : [])];
    this.feedConnections = connections;
  }

  get router() {
    return this.execution.router;
  }

  get tracker() {
    return this.execution.tracker;
  }

  /**
   * Takes the lease and restores state (with persistence), then connects. Resolves once trading
   * has started, or when the engine has refused to trade (see health()).
   */
  async start(leaseWaitMs = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.#phase.kind !== 'created') return;
    const persistence = this.#persistence;
    if (persistence !== undefined) {
      const acquired = await this.#acquireLease(persistence, leaseWaitMs);
      if (!acquired) return;
      const loaded = await loadPersistedState(persistence.store, newYorkDate(this.#clock.nowMs()));
      if (!loaded.ok) {
        this.#refuse(`persisted state is unreadable, so it cannot be reconciled: ${loaded.message}`);
        return;
      }
      const { state } = loaded;
      this.recorder?.restore(state.workingOrders, state.fills);
      // Once the first reconciliation has taken the broker's positions, in the same turn (before any
      // entry), say where the store disagreed, and store the broker's figures for the next restart.
      const stopChecking = this.risk.events.on('broker_state', ({ reconciled }) => {
        if (!reconciled) return;
        stopChecking();
        const current = this.portfolio.openPositions();
        const differences = positionDifferences(state.positions, current);
        this.#restartPositions.report(differences);
        this.#notifier?.restartDifferences(differences);
        this.recorder?.positions([...state.positions, ...current].map(({ symbol }) => symbol));
      });
      if (state.breaker !== null && state.breaker.state !== 'normal') {
        // Fail closed: a breaker open before the restart comes back halted, for a person to reset.
        this.risk.haltTrading(
          'engine-restart',
          `the circuit breaker was ${state.breaker.state} (${state.breaker.reason}) before the restart`,
        );
      }
      this.#log.info(
        {
          workingOrders: state.workingOrders.length,
          fills: state.fills.length,
          breaker: state.breaker?.state ?? 'normal',
        },
        'persisted state loaded; reconciling with the broker',
      );
    }
    await this.#calendarService.start();
    if (!this.#mayStartTrading()) return;
    this.#phase = { kind: 'trading' };
    this.execution.start();
    this.#executionStarted = true;
    const warmBars = await this.marketData.warmUp(this.#clock.nowUs());
    this.#log.info({ bars: warmBars }, 'market data warmed up from the venue history');
    for (const feed of this.feeds) feed.start();
    this.signals?.start();
    this.#housekeeping = setInterval(() => this.#houseKeep(), HOUSEKEEPING_EVERY_MS);
    this.#housekeeping.unref();
  }

  /** Re-reads the phase after awaits, in which a stop or a refusal may have happened. */
  #mayStartTrading(): boolean {
    return this.#phase.kind === 'created' || this.#phase.kind === 'standby';
  }

  async stop(drainTimeoutMs = 10_000): Promise<void> {
    const executionStarted = this.#executionStarted;
    this.#phase = { kind: 'stopped' };
    clearInterval(this.#housekeeping);
    await this.#calendarService.stop();
    await Promise.all(this.feeds.map((feed) => feed.stop()));
    await this.marketData.settled();
    await this.signals?.stop();
    await this.#cancelAfterLoss;
    this.riskActions.stop();
    this.protection?.stop();
    this.#settlement.stop();
    await Promise.all([this.riskActions.settled(), this.protection?.settled()]);
    if (executionStarted) await this.execution.stop();
    this.recorder?.flushSubmitted();
    if (this.#persistence !== undefined) {
      const drained = await this.#persistence.close(drainTimeoutMs, 'engine stopped');
      this.#log.info({ drained }, 'persistence drained and lease released');
    }
  }

  health(): HealthAnswer {
    const risk = this.risk.snapshot();
    const checks: Record<string, string> = {
      phase: this.#phase.kind,
      tradeUpdates: this.execution.venue.connectionState,
      reconciled: String(risk.reconciled),
      circuitBreaker: risk.breaker,
    };
    this.feeds.forEach((feed, index) => {
      checks[`feed${index}`] = feed.state;
    });
    if (this.#persistence !== undefined)
      checks.fencingToken = String(this.#persistence.lease.fencingToken ?? 'none');
    switch (this.#phase.kind) {
      case 'refused':
        return { status: 'fatal', checks: { ...checks, reason: this.#phase.reason } };
      case 'standby':
        return { status: 'degraded', checks: { ...checks, reason: this.#phase.reason } };
      case 'created':
        return { status: 'starting', checks };
      case 'stopped':
        return { status: 'degraded', checks: { ...checks, reason: 'stopped' } };
      case 'trading': {
        // Every stream ready (a feed without data past marketData.staleAfterMs is stale) and reconciled.
        const problems = this.feeds.flatMap((feed, index) =>
          feed.state === 'ready' ? [] : [`feed${index} ${feed.state}`],
        );
        if (this.execution.venue.connectionState !== 'ready')
          problems.push(`tradeUpdates ${this.execution.venue.connectionState}`);
        if (!risk.reconciled) problems.push('not reconciled');
        return problems.length === 0
          ? { status: 'ok', checks }
          : { status: 'degraded', checks: { ...checks, reason: problems.join('; ') } };
      }
    }
  }

  /** Ready to trade: in the trading phase, every stream up and fresh, reconciled, the lease held. */
  ready(): ReadyAnswer {
    const trading = this.#phase.kind === 'trading';
    const feeds = this.feeds.every((feed) => feed.state === 'ready');
    const tradeUpdates = this.execution.venue.connectionState === 'ready';
    const { reconciled } = this.risk.snapshot();
    const lease = this.#persistence?.lease;
    const token = lease?.fencingToken ?? null;
    const leaseState =
      lease === undefined ? 'not_used' : token !== null && lease.canSend(token) ? 'held' : 'not_held';
    const reasons: string[] = [];
    if (!trading)
      reasons.push(
        `the engine is ${this.#phase.kind}${'reason' in this.#phase ? `: ${this.#phase.reason}` : ''}`,
      );
    this.feeds.forEach((feed, index) => {
      if (feed.state !== 'ready') reasons.push(`the ${this.#feedNames[index]} feed is ${feed.state}`);
    });
    if (!tradeUpdates) reasons.push(`the trade-updates stream is ${this.execution.venue.connectionState}`);
    if (!reconciled) reasons.push('not reconciled with the broker');
    if (leaseState === 'not_held') reasons.push("the account's engine lease is not held");
    return {
      ready: reasons.length === 0,
      checks: { trading, feeds, tradeUpdates, reconciled, lease: leaseState },
      reasons,
    };
  }

  /**
   * Off the hot path, once a second: marks open positions to the book's mid, so unrealized and
   * daily P&L (status) are current; once a minute, forgets orders that finished over an hour ago,
   * so a long session's memory stays bounded.
   */
  #houseKeep(): void {
    this.markToMarket();
    const pnl = this.portfolio.pnl();
    this.intradayPnl.sample(this.#clock.nowMs(), pnl.sessionDate, pnl.daily);
    for (const symbol of this.#unwatchedPositions()) {
      if (this.#unwatchedReported.has(symbol)) continue;
      this.#unwatchedReported.add(symbol);
      this.#log.error(
        { symbol },
        'position in a symbol without market data: its engine-side stops cannot run (add it to marketData.symbols, or hold stops at the broker)',
      );
    }
    this.protection?.reviewAll(this.portfolio.openPositions().map((position) => position.symbol));
    // A refused or stopping engine stops its feeds on purpose: that is no outage, nor a recovery.
    if (this.#phase.kind === 'trading') this.#notifier?.checkFeeds(this.feedConnections);
    this.#housekeepingRuns += 1;
    if (this.#housekeepingRuns % FORGET_EVERY_RUNS === 0)
      this.router.forgetFinished(FINISHED_ORDER_RETENTION_MS, (clientOrderId) =>
        this.recorder?.forget(clientOrderId),
      );
  }

  /** Marks open positions to the book's mid, so unrealized and daily P&L are current. */
  markToMarket(): void {
    for (const position of this.portfolio.openPositions()) {
      const mid = this.markPrice(position.symbol);
      if (mid !== null) this.portfolio.setMark(position.symbol, mid);
    }
  }

  #unwatchedPositions(): string[] {
    return this.portfolio
      .openPositions()
      .map((position) => position.symbol)
      .filter((symbol) => !this.#watchedSymbols.has(symbol));
  }

  /** The book's mid, or null without a usable quote. */
  markPrice(symbol: string): Fixed | null {
    const top = this.marketData.topOfBook(symbol) ?? this.marketData.orderBook(symbol);
    if (top === undefined) return null;
    const mid = (top.bidPrice + top.askPrice) / 2;
    return Number.isFinite(mid) && mid > 0 ? fixedFromNumber(mid) : null;
  }

  /** The API's view of this engine (answers and audited operator actions). */
  control(): EngineControl {
    return new EngineControlView(this);
  }

  /** Each feed's connection state, by asset class. */
  feedStates(): { name: string; state: string }[] {
    return this.feeds.map((feed, index) => ({ name: this.#feedNames[index]!, state: feed.state }));
  }

  /** Hot-path latency percentiles over every feed's frames since the start; null before the first frame. */
  hotPathLatency(): LatencyAnswer | null {
    return this.feedMetrics.hotPath.percentiles();
  }

  async #acquireLease(persistence: Persistence, leaseWaitMs: number): Promise<boolean> {
    const giveUpAtMs = this.#clock.nowMs() + leaseWaitMs;
    for (;;) {
      const slice = Math.min(LEASE_WAIT_SLICE_MS, Math.max(0, giveUpAtMs - this.#clock.nowMs()));
      const result = await persistence.lease.startWhenFree({ timeoutMs: slice });
      if (this.#phase.kind === 'stopped') return false;
      if (result.ok) return true;
      if (result.reason === 'unreadable' || this.#clock.nowMs() >= giveUpAtMs) {
        this.#refuse(`cannot take the account's engine lease: ${result.message}`);
        return false;
      }
      if (this.#phase.kind !== 'standby')
        this.#log.warn({ reason: result.message }, 'another engine holds the account; standing by');
      this.#phase = { kind: 'standby', reason: `another engine holds the account: ${result.message}` };
    }
  }

  /**
   * Called by the lease when it is lost: stop sending at once, then cancel the working orders
   * when that is safe (see Persistence.cancelAfterLeaseLoss): never when another engine has taken
   * the lease, since the orders are then that engine's.
   */
  onLeaseLost(reason: string): void {
    if (this.#phase.kind !== 'trading') return;
    this.#refuse(`lost the engine lease: ${reason}`);
    this.#notifier?.leaseLost(reason);
    const persistence = this.#persistence;
    if (persistence === undefined) return;
    this.#cancelAfterLoss = persistence.cancelAfterLeaseLoss(this.execution.venue).then(
      (result) => this.#log.warn({ outcome: result.outcome }, 'after the lease was lost: working orders'),
      (error: unknown) =>
        this.#log.error({ err: error }, 'could not cancel working orders after the lease was lost'),
    );
  }

  /**
   * A stream stopped for good (the keys were refused, the plan lacks the feed): nothing can trade
   * without it, so every stream stops and the engine refuses to trade with its reason.
   */
  #onStreamFatal(error: Error): void {
    if (this.#phase.kind !== 'trading') return;
    this.#refuse(error.message);
    for (const feed of this.feeds) void feed.stop();
    void this.execution.venue.stop();
  }

  #refuse(reason: string): void {
    this.#phase = { kind: 'refused', reason };
    this.#log.fatal({ reason }, 'engine refuses to trade');
    this.#halt(reason);
  }

  #sendGuard(): string | null {
    if (this.#phase.kind !== 'trading') return `the engine is not trading (${this.#phase.kind})`;
    const lease = this.#persistence?.lease;
    if (lease === undefined) return null;
    const token = lease.fencingToken;
    return token !== null && lease.canSend(token) ? null : 'the engine lease is not held';
  }

  #onOrderUpdate(order: VenueOrder, intent: OrderIntent | undefined): void {
    const provenance = this.recorder?.order(order, intent);
    const { tracker } = this.execution;
    if (
      !needsAdoption(
        order,
        intent,
        (clientOrderId) => this.risk.isTracking(clientOrderId),
        (clientOrderId) => tracker.get(clientOrderId)?.isTerminal === true,
      )
    )
      return;
    // A working order this process did not send: one of ours from before a restart, or placed
    // elsewhere. Risk counts it as if filled from now on, so nothing trades against it unseen.
    const origin = provenance?.origin ?? 'unknown';
    this.#adopted.inc({ origin });
    this.#log.warn(
      { clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, origin },
      'working order adopted',
    );
    this.risk.onOrderSubmitted(
      order.clientOrderId,
      adoptedOrderIntent(order, this.execution.tracker, this.#clock.nowMs()),
    );
  }

  #submit(intent: OrderIntent): void {
    if (this.riskActions.isClosing(intent.symbol)) {
      this.#refusals.inc({ reason: 'position_closing' });
      return;
    }
    if (this.protection !== undefined && intent.purpose !== 'entry' && intent.assetClass === 'us_equity') {
      this.#exitAroundProtection(intent);
      return;
    }
    this.router.submit(intent).then(
      (result) => this.#logResult(intent, result),
      (error: unknown) =>
        this.#log.error({ err: error, intentId: intent.intentId }, 'order submission failed'),
    );
  }

  #logResult(intent: OrderIntent, result: SubmitResult): void {
    if (result.ok) return;
    // Refusals are expected and come in bursts (a tripped breaker refuses every entry): the
    // metric counts them by reason; the log keeps each at debug.
    this.#refusals.inc({ reason: result.code });
    this.#log.debug({ intentId: intent.intentId, symbol: intent.symbol, result }, 'intent not sent');
  }

  /**
   * With stops held at the broker, the protective order holds the position's shares there, so a
   * strategy's exit goes through the risk-action executor, which cancels it first (and market
   * exits the quantity); protection is then put back for whatever remains.
   */
  #exitAroundProtection(intent: OrderIntent): void {
    if (this.risk.breakerState === 'halted') {
      this.#refusals.inc({ reason: 'circuit_breaker_halted' });
      return;
    }
    const held = this.portfolio.position(intent.symbol).qty;
    const reduces = intent.side === 'sell' ? held > 0n : held < 0n;
    if (!reduces) {
      this.#refusals.inc({ reason: 'reduce_only_would_increase' });
      return;
    }
    const remaining = intent.side === 'sell' ? held - intent.qty : held + intent.qty;
    const target = (
      intent.side === 'sell' ? (remaining > 0n ? remaining : 0n) : remaining < 0n ? remaining : 0n
    ) as Fixed;
    void this.riskActions.close(intent.symbol, 'exit', target);
  }

  #exposureQty(symbol: string): Fixed {
    return strategyExposureQty(
      symbol,
      this.portfolio.position(symbol).qty,
      this.tracker,
      (clientOrderId) => this.protection?.isProtective(clientOrderId) === true,
    );
  }
}
