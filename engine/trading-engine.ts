/**
 * The engine's parts and how they connect: feed → books → risk and strategies → router →
 * broker, and trade updates → order state → portfolio and risk. Built from injected adapters
 * (clock, logger, registry, credentials) so that local, paper and live run this same code; the
 * entry point (main.ts) only reads config and calls start/stop.
 *
 * Start order matters: trade updates first (the router reconciles with the broker's orders and
 * positions when the stream is ready, and risk refuses new exposure until then), market data
 * after, so no strategy decision is made before the engine knows what it holds.
 */
import { Counter, type Registry } from 'prom-client';
import { TradeUpdatesClient } from '../shared/broker/alpaca/trade-updates-client.ts';
import { AlpacaTradingClient, type TradingCredentials } from '../shared/broker/alpaca/trading-client.ts';
import type { Config } from '../shared/config/load-config.ts';
import { add, type Fixed, formatFixed, neg } from '../shared/domain/fixed.ts';
import type { OrderIntent } from '../shared/domain/order.ts';
import { isCryptoSymbol } from '../shared/domain/symbol.ts';
import type { Logger } from '../shared/logging/logger.ts';
import type { Strategy, StrategyContext } from '../shared/strategies/strategy.ts';
import type { Clock } from '../shared/time/clock.ts';
import type { ActionOutcome, EngineControl, EngineHealth, OperatorAction } from './api/operator-routes.ts';
import { OrderRouter, type SubmitResult } from './execution/order-router.ts';
import { OrderTracker } from './execution/order-tracker.ts';
import { RequestScheduler } from './execution/request-scheduler.ts';
import { SlippageRecorder } from './execution/slippage.ts';
import { TokenBucket } from './execution/token-bucket.ts';
import { FeedClient } from './marketdata/feed-client.ts';
import { FeedMetrics } from './marketdata/feed-metrics.ts';
import { MarketDataHistoryClient } from './marketdata/history-client.ts';
import { MarketDataService } from './marketdata/market-data-service.ts';
import { Portfolio } from './portfolio/portfolio.ts';
import { RiskManager } from './risk/risk-manager.ts';
import { MarketDataDispatch } from './strategy/market-data-dispatch.ts';
import { StrategyHost } from './strategy/strategy-host.ts';

export interface TradingEngineOptions {
  readonly config: Config;
  readonly credentials: TradingCredentials;
  readonly strategies: readonly Strategy[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
}

export class TradingEngine {
  readonly risk: RiskManager;
  readonly portfolio: Portfolio;
  readonly tracker = new OrderTracker();
  readonly router: OrderRouter;
  readonly marketData: MarketDataService;
  readonly strategies: StrategyHost;
  readonly tradeUpdates: TradeUpdatesClient;
  readonly feeds: readonly FeedClient[];
  readonly #client: AlpacaTradingClient;
  readonly #history: MarketDataHistoryClient;
  readonly #scheduler: RequestScheduler;
  readonly #log: Logger;
  readonly #refusals: Counter<'reason'>;
  #started = false;

  constructor(options: TradingEngineOptions) {
    const { config, credentials, clock, logger, registry } = options;
    const { system } = config;
    this.#log = logger;
    this.#refusals = new Counter({
      name: 'engine_intents_refused_total',
      help: 'Order intents not sent, by reason (risk rule, trading paused, ...)',
      labelNames: ['reason'],
      registers: [registry],
    });

    this.risk = new RiskManager({ limits: config.risk, clock });
    this.risk.events.subscribe((event) => logger.warn({ riskEvent: event }, `risk: ${event.type}`));
    this.portfolio = new Portfolio(clock);

    const bucket = new TokenBucket(clock, { limitPerMinute: config.risk.broker.requests_per_minute });
    this.#scheduler = new RequestScheduler(bucket);
    this.#client = new AlpacaTradingClient({
      baseUrl: system.broker.tradingUrl,
      credentials,
      onRateLimitHeaders: (snapshot) => bucket.observeHeaders(snapshot),
    });
    this.router = new OrderRouter({
      client: this.#client,
      risk: this.risk,
      scheduler: this.#scheduler,
      tracker: this.tracker,
      portfolio: this.portfolio,
      slippage: new SlippageRecorder(registry),
      clock,
      logger: logger.child({ component: 'execution' }),
    });
    this.tradeUpdates = new TradeUpdatesClient({
      url: system.broker.tradingStreamUrl,
      credentials,
      onUpdate: (update) => this.router.onTradeUpdate(update),
      onStateChange: (state, previous) => {
        logger.info({ state, previous }, 'trade updates stream');
        this.router.onStreamState(state);
      },
      onInvalidMessage: (reason) => logger.warn({ reason }, 'invalid trade update ignored'),
    });

    const context: StrategyContext = {
      exposureQty: (symbol) => this.#exposureQty(symbol),
      submit: (intent) => this.#submit(intent),
      nowMs: () => clock.nowMs(),
    };
    this.strategies = new StrategyHost(options.strategies, context, ({ strategyId, error }) =>
      logger.error({ err: error, strategyId }, 'strategy failed and was disabled'),
    );

    const symbols = system.marketData.symbols;
    const feedMetrics = new FeedMetrics();
    feedMetrics.register(registry, clock);
    this.#history = new MarketDataHistoryClient({
      baseUrl: system.broker.dataUrl,
      keyId: credentials.keyId,
      secretKey: credentials.secretKey,
      stockFeed: system.marketData.feed,
    });
    this.marketData = new MarketDataService({
      clock,
      metrics: feedMetrics,
      symbols,
      staleAfterMs: system.marketData.staleAfterMs,
      feedBarSymbols: symbols,
      history: this.#history,
      logger: logger.child({ component: 'marketdata' }),
      onBar: (bar) => this.strategies.onBar(bar),
    });
    const dispatch = new MarketDataDispatch(this.marketData, this.risk, this.strategies, symbols);

    // Stocks and crypto stream from different endpoints, so each asset class gets its own feed.
    const stocks = symbols.filter((symbol) => !isCryptoSymbol(symbol));
    const crypto = symbols.filter((symbol) => isCryptoSymbol(symbol));
    const feed = (url: string, list: readonly string[], books: boolean): FeedClient =>
      new FeedClient({
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
        listener: dispatch,
        clock,
        metrics: feedMetrics,
        logger: logger.child({ component: 'feed', url }),
      });
    this.feeds = [
      ...(stocks.length > 0 ? [feed(system.broker.marketDataStreamUrl, stocks, false)] : []),
      ...(crypto.length > 0 ? [feed(system.broker.cryptoDataStreamUrl, crypto, true)] : []),
    ];
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.tradeUpdates.start();
    for (const feed of this.feeds) feed.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.feeds.map((feed) => feed.stop()));
    await this.tradeUpdates.stop();
    this.#scheduler.close();
    await this.marketData.settled();
    await this.#client.close();
  }

  health(): EngineHealth {
    const fatal = this.feeds.find((feed) => feed.fatalError !== undefined)?.fatalError;
    const risk = this.risk.snapshot();
    const checks: Record<string, string> = {
      tradeUpdates: this.tradeUpdates.state,
      reconciled: String(risk.reconciled),
      circuitBreaker: risk.breaker,
    };
    this.feeds.forEach((feed, index) => {
      checks[`feed${index}`] = feed.state;
    });
    if (fatal !== undefined) return { status: 'fatal', checks: { ...checks, fatal: fatal.message } };
    if (!this.#started) return { status: 'starting', checks };
    const streaming = this.feeds.every((feed) => feed.state === 'streaming');
    return {
      status: streaming && risk.reconciled && this.tradeUpdates.state === 'ready' ? 'ok' : 'degraded',
      checks,
    };
  }

  status(): unknown {
    const pnl = this.portfolio.pnl();
    const exposure = this.portfolio.exposure();
    return {
      positions: this.portfolio.openPositions().map((position) => ({
        symbol: position.symbol,
        qty: formatFixed(position.qty),
        avgEntryPrice: formatFixed(position.avgEntryPrice),
      })),
      openOrders: this.tracker.openOrders().map((state) => {
        const order = state.view();
        return {
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
          side: order.side,
          qty: formatFixed(order.qty),
          filledQty: formatFixed(order.filledQty),
          status: order.status,
        };
      }),
      pnl: {
        realized: formatFixed(pnl.realized),
        unrealized: formatFixed(pnl.unrealized),
        daily: formatFixed(pnl.daily),
        sessionDate: pnl.sessionDate,
      },
      exposure: { gross: formatFixed(exposure.gross), net: formatFixed(exposure.net) },
      risk: {
        breaker: this.risk.breakerState,
        reconciled: this.risk.snapshot().reconciled,
      },
    };
  }

  /** The operator API's view of this engine. */
  control(): EngineControl {
    return {
      health: () => this.health(),
      status: () => this.status(),
      killSwitch: (action) => this.#killSwitch(action),
      resetCircuitBreaker: async ({ operator, reason }) =>
        this.#outcome(this.risk.resetBreaker(operator, reason)),
      enableStrategy: async (strategyId, { operator, reason }) => {
        const result = this.#outcome(this.risk.rearmStrategy(strategyId, operator, reason));
        if (result.ok) this.strategies.enable(strategyId);
        return result;
      },
    };
  }

  async #killSwitch({ operator, reason }: OperatorAction): Promise<ActionOutcome> {
    const plan = this.risk.killSwitch(operator, reason);
    this.#log.error(
      { operator, reason, cancel: plan.cancelClientOrderIds.length, flatten: plan.flatten.length },
      'kill switch',
    );
    const canceled = await Promise.all(plan.cancelClientOrderIds.map((id) => this.router.cancel(id)));
    const flattened = await Promise.all(plan.flatten.map((intent) => this.router.submit(intent)));
    return {
      ok: true,
      detail: {
        canceled: canceled.filter((result) => result.ok).length,
        flattenOrders: flattened.filter((result) => result.ok).length,
        failures: [...canceled, ...flattened].filter((result) => !result.ok).length,
      },
    };
  }

  #outcome(result: { ok: boolean; code?: string; message?: string }): ActionOutcome {
    return result.ok
      ? { ok: true }
      : {
          ok: false,
          code: result.code ?? 'refused',
          message: result.message ?? 'the engine refused the action',
        };
  }

  #submit(intent: OrderIntent): void {
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
    this.#refusals.inc({ reason: refusalReason(result) });
    this.#log.debug({ intentId: intent.intentId, symbol: intent.symbol, result }, 'intent not sent');
  }

  /** Position plus the unfilled part of working orders, signed. */
  #exposureQty(symbol: string): Fixed {
    let qty = this.portfolio.position(symbol).qty;
    for (const order of this.tracker.openOrders()) {
      if (order.symbol !== symbol) continue;
      const remaining = order.remainingQty;
      qty = add(qty, order.side === 'buy' ? remaining : neg(remaining));
    }
    return qty;
  }
}

function refusalReason(result: Exclude<SubmitResult, { ok: true }>): string {
  return 'denial' in result ? result.denial.reasonCode : result.reason;
}
