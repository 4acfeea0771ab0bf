/**
 * The execution core built and connected over any venue (shared/venue/trading-venue.ts): the
 * token bucket fed by the venue's announced quota, the request scheduler, the gateway, the order
 * tracker and reports, reconciliation, the router, and the execution events risk subscribes to.
 * The venue's order events and connection states drive it. engine/trading-engine.ts, the tests
 * and the benchmarks build execution through this one place, against Alpaca's adapter or the
 * in-process venue alike.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Account } from '../../shared/domain/account.ts';
import type { Fill } from '../../shared/domain/fill.ts';
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent, OrderStatus } from '../../shared/domain/order.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { Timers } from '../../shared/time/timers.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { createExecutionEvents, type ExecutionEvents } from './execution-events.ts';
import { OrderGateway } from './order-gateway.ts';
import { OrderMetrics } from './order-metrics.ts';
import { OrderReports } from './order-reports.ts';
import { OrderRouter, type PreTradeCheck } from './order-router.ts';
import { OrderTracker } from './order-tracker.ts';
import { Reconciliation } from './reconciliation.ts';
import { RequestScheduler } from './request-scheduler.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import { SlippageRecorder } from './slippage.ts';
import { TokenBucket } from './token-bucket.ts';

/** Pre-trade risk as execution uses it: the check, and the state it keeps from execution's events. */
export interface PreTradeRisk extends PreTradeCheck {
  onOrderSubmitted(clientOrderId: string, intent: OrderIntent): void;
  /** `unbookedQty`: what the venue reports filled of it that the position book has not booked yet. */
  onOrderStatus(clientOrderId: string, status: OrderStatus, unbookedQty: Fixed): void;
  onOrderReplaced(oldClientOrderId: string, newClientOrderId: string, replacement: OrderIntent): void;
  /** A fill already booked into the position book, with the P&L it realised there. */
  onFill(fill: Fill, realized: Fixed): void;
  /** The book's positions and the account match the venue's. */
  reconcile(account: Account): void;
  markUnreconciled(reason: string): void;
}

export interface ExecutionServiceOptions {
  readonly venue: TradingVenue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly risk: PreTradeRisk;
  /** The one position book: fills are booked here, risk and the portfolio views read it. */
  readonly positions: Portfolio;
  readonly metrics: Registry;
  /** The venue's quota per key (Alpaca: 200). */
  readonly requestsPerMinute: number;
  readonly retryPolicy?: RetryPolicy;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The request scheduler's wait for the budget (after a 429): the wall clock's unless given. */
  readonly timers?: Timers;
  /** The engine's lease fencing check, asked at the moment each order is sent. */
  readonly sendGuard?: () => string | null;
  /** How far before the stream was lost the gap-closing order query starts (default 60 s). */
  readonly resyncLookbackMs?: number;
  /** Stops held at the broker: each entry carries a stop-loss leg this far from its price. */
  readonly brokerStopLossPct?: Fixed;
}

export interface ExecutionService {
  readonly venue: TradingVenue;
  readonly events: ExecutionEvents;
  readonly router: OrderRouter;
  readonly tracker: OrderTracker;
  readonly reconciliation: Reconciliation;
  readonly scheduler: RequestScheduler;
  readonly slippage: SlippageRecorder;
  /** Order submissions and the broker's answer times, for the CloudWatch metrics. */
  readonly orders: OrderMetrics;
  /** Starts the venue's order events; entries open once they flow and the state is reconciled. */
  start(): void;
  stop(): Promise<void>;
}

export function createExecutionService(options: ExecutionServiceOptions): ExecutionService {
  const { venue, clock, logger, metrics, positions } = options;
  const bucket = new TokenBucket(clock, { limitPerMinute: options.requestsPerMinute });
  const scheduler = new RequestScheduler(bucket, options.timers);
  const unsubscribeQuota = venue.onQuota((quota) => {
    bucket.observeQuota(quota);
    scheduler.wake();
  });
  const events = createExecutionEvents();
  subscribeRisk(events, options.risk);
  const tracker = new OrderTracker();
  const slippage = new SlippageRecorder(metrics);
  const reports = new OrderReports({ tracker, positions, slippage, events, clock, logger });
  const orders = new OrderMetrics();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const gateway = new OrderGateway({
    venue,
    scheduler,
    logger,
    retryPolicy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
    random: options.random ?? Math.random,
    sleep,
    sendGuard: options.sendGuard ?? (() => null),
    newExposureHold: () => options.risk.newExposureHold(),
    metrics: orders,
    clock,
  });
  const reconciliation = new Reconciliation({
    gateway,
    reports,
    tracker,
    positions,
    events,
    clock,
    logger,
    sleep,
    ...(options.resyncLookbackMs === undefined ? {} : { lookbackMs: options.resyncLookbackMs }),
  });
  const router = new OrderRouter({
    risk: options.risk,
    gateway,
    reports,
    tracker,
    reconciliation,
    logger,
    ...(options.brokerStopLossPct === undefined ? {} : { brokerStopLossPct: options.brokerStopLossPct }),
  });
  registerExecutionMetrics(metrics, events);
  const unsubscribeOrders = venue.onOrderEvent((event) => reports.onOrderEvent(event));
  const unsubscribeState = venue.onConnectionState((state, fault) =>
    reconciliation.onConnectionState(state, fault),
  );
  return {
    venue,
    events,
    router,
    tracker,
    reconciliation,
    scheduler,
    slippage,
    orders,
    start: () => venue.start(),
    async stop() {
      await venue.stop();
      unsubscribeOrders();
      unsubscribeState();
      unsubscribeQuota();
      scheduler.close();
    },
  };
}

/** Risk keeps its working orders, fills and reconciled state from execution's events. */
function subscribeRisk(events: ExecutionEvents, risk: PreTradeRisk): void {
  events.subscribe((event) => {
    switch (event.type) {
      case 'order_sending':
        risk.onOrderSubmitted(event.request.clientOrderId, event.intent);
        break;
      case 'order_replaced':
        risk.onOrderReplaced(event.oldClientOrderId, event.newClientOrderId, event.replacement);
        break;
      case 'order_status':
        risk.onOrderStatus(event.clientOrderId, event.status, event.unbookedQty);
        break;
      case 'fill_booked':
        risk.onFill(event.fill, event.realized);
        break;
      case 'reconciled':
        risk.reconcile(event.account);
        break;
      case 'unreconciled':
        risk.markUnreconciled(event.reason);
        break;
    }
  });
}

function registerExecutionMetrics(metrics: Registry, events: ExecutionEvents): void {
  const alarms = new Counter({
    name: 'execution_order_alarms_total',
    help: 'Order alarms (overfill, conflicting execution) that need a person',
    labelNames: ['kind'],
    registers: [metrics],
  });
  const connected = new Gauge({
    name: 'execution_trade_updates_ready',
    help: '1 while the trade-updates stream is authenticated and listening',
    registers: [metrics],
  });
  const sent = new Counter({
    name: 'execution_orders_sent_total',
    help: 'Orders handed to the broker for the first time (a retry under the same client_order_id is not another)',
    registers: [metrics],
  });
  const fills = new Counter({
    name: 'execution_fills_booked_total',
    help: 'Executions booked to the portfolio, each once',
    registers: [metrics],
  });
  events.on('order_alarm', ({ alarm }) => alarms.inc({ kind: alarm.kind }));
  events.on('order_sending', () => sent.inc());
  events.on('fill_booked', () => fills.inc());
  events.on('connection', ({ state }) => connected.set(state === 'ready' ? 1 : 0));
}
