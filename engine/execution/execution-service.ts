/**
 * The execution parts built and connected: trading client (rate-limit headers feeding the token
 * bucket), request scheduler, order state machine, router, and the trade-updates stream driving
 * the router. engine/main.ts and the integration tests build execution through this one place.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StreamFatalError } from '../../shared/broker/alpaca/stream-connection-faults.ts';
import type { StreamState } from '../../shared/broker/alpaca/stream-connection-states.ts';
import { DEFAULT_RECONNECT_BACKOFF } from '../../shared/broker/alpaca/stream-connection-timers.ts';
import { type StreamAuthForm, TradeUpdatesClient } from '../../shared/broker/alpaca/trade-updates-client.ts';
import { AlpacaTradingClient, type TradingCredentials } from '../../shared/broker/alpaca/trading-client.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { OrderRouter, type OrderRouterOptions, type PreTradeRisk } from './order-router.ts';
import type { OrderAlarm } from './order-state.ts';
import { OrderTracker } from './order-tracker.ts';
import { RequestScheduler } from './request-scheduler.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { SlippageRecorder } from './slippage.ts';
import { TokenBucket } from './token-bucket.ts';

export interface ExecutionServiceOptions {
  /** Trading REST base, e.g. https://paper-api.alpaca.markets or the simulator's. */
  readonly tradingUrl: string;
  /** wss://…/stream */
  readonly tradingStreamUrl: string;
  readonly credentials: TradingCredentials;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly risk: PreTradeRisk;
  readonly portfolio: Portfolio;
  readonly metrics: Registry;
  /** The broker's quota per key (Alpaca: 200). */
  readonly requestsPerMinute: number;
  readonly streamAuthForm?: StreamAuthForm;
  readonly requestTimeoutMs?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly reconnectBaseDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
  readonly onAlarm?: (alarm: OrderAlarm) => void;
  /** Told of every stream state after the router has acted on it. */
  readonly onStreamState?: (state: StreamState) => void;
  /** The stream stopped for good (e.g. the keys were refused); the error says what to fix. */
  readonly onStreamFatal?: (error: StreamFatalError) => void;
  /** The engine's lease fencing and persistence observers, passed to the router as they are. */
  readonly routerHooks?: Pick<
    OrderRouterOptions,
    'sendGuard' | 'onSending' | 'onOrderUpdate' | 'onFill' | 'resyncLookbackMs' | 'brokerStopLossPct'
  >;
}

export interface ExecutionService {
  readonly router: OrderRouter;
  readonly tracker: OrderTracker;
  readonly client: AlpacaTradingClient;
  readonly stream: TradeUpdatesClient;
  readonly scheduler: RequestScheduler;
  readonly slippage: SlippageRecorder;
  /** Connects the trade-updates stream; entries open once it is up and reconciled. */
  start(): void;
  stop(): Promise<void>;
}

export function createExecutionService(options: ExecutionServiceOptions): ExecutionService {
  const { clock, logger, metrics } = options;
  const bucket = new TokenBucket(clock, { limitPerMinute: options.requestsPerMinute });
  const scheduler = new RequestScheduler(bucket);
  const client = new AlpacaTradingClient({
    baseUrl: options.tradingUrl,
    credentials: options.credentials,
    ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
    onRateLimitHeaders: (snapshot) => {
      bucket.observeHeaders(snapshot);
      scheduler.wake();
    },
  });
  const tracker = new OrderTracker();
  const slippage = new SlippageRecorder(metrics);
  const alarms = new Counter({
    name: 'execution_order_alarms_total',
    help: 'Order alarms (overfill, conflicting execution) that need a person',
    labelNames: ['kind'],
    registers: [metrics],
  });
  const invalidFrames = new Counter({
    name: 'execution_trade_updates_invalid_total',
    help: 'Trade-updates frames refused by validation',
    registers: [metrics],
  });
  const connected = new Gauge({
    name: 'execution_trade_updates_ready',
    help: '1 while the trade-updates stream is authenticated and listening',
    registers: [metrics],
  });
  const router = new OrderRouter({
    client,
    risk: options.risk,
    scheduler,
    tracker,
    portfolio: options.portfolio,
    slippage,
    clock,
    logger,
    ...(options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }),
    ...options.routerHooks,
    onAlarm: (alarm) => {
      alarms.inc({ kind: alarm.kind });
      options.onAlarm?.(alarm);
    },
  });
  const stream = new TradeUpdatesClient({
    url: options.tradingStreamUrl,
    credentials: options.credentials,
    ...(options.streamAuthForm === undefined ? {} : { authForm: options.streamAuthForm }),
    backoff: {
      baseDelayMs: options.reconnectBaseDelayMs ?? DEFAULT_RECONNECT_BACKOFF.baseDelayMs,
      maxDelayMs: options.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_BACKOFF.maxDelayMs,
    },
    clock,
    logger,
    onUpdate: (update) => router.onTradeUpdate(update),
    onStateChange: (state) => {
      connected.set(state === 'ready' ? 1 : 0);
      router.onStreamState(state);
      options.onStreamState?.(state);
    },
    ...(options.onStreamFatal === undefined ? {} : { onFatal: options.onStreamFatal }),
    onInvalidMessage: (reason) => {
      invalidFrames.inc();
      logger.warn({ reason }, 'trade updates frame refused');
    },
  });
  return {
    router,
    tracker,
    client,
    stream,
    scheduler,
    slippage,
    start: () => stream.start(),
    async stop() {
      await stream.stop();
      scheduler.close();
      await client.close();
    },
  };
}
