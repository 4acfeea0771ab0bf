/**
 * The execution service (engine/execution/execution-service.ts) against a real simulator on an
 * ephemeral loopback port, with a portfolio. Risk is a
 * permissive stand-in here (the router's own behaviour is under test); the bench and the risk
 * suite cover the real rules.
 */
import { Registry } from 'prom-client';
import { createExecutionService, type PreTradeRisk } from '../../../engine/execution/execution-service.ts';
import type { OrderMetrics } from '../../../engine/execution/order-metrics.ts';
import type { OrderRouter } from '../../../engine/execution/order-router.ts';
import type { OrderAlarm } from '../../../engine/execution/order-state.ts';
import type { OrderTracker } from '../../../engine/execution/order-tracker.ts';
import type { RequestScheduler } from '../../../engine/execution/request-scheduler.ts';
import type { SlippageRecorder } from '../../../engine/execution/slippage.ts';
import { Portfolio } from '../../../engine/portfolio/portfolio.ts';
import { APPROVED, type RiskDecision } from '../../../engine/risk/risk-decision.ts';
import type { RiskManager } from '../../../engine/risk/risk-manager.ts';
import { createAlpacaTradingVenue } from '../../../engine/wiring/alpaca-trading-venue.ts';
import type { StreamState } from '../../../shared/broker/alpaca/stream-connection-states.ts';
import type { TradeUpdatesClient } from '../../../shared/broker/alpaca/trade-updates-client.ts';
import type { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import type { Account } from '../../../shared/domain/account.ts';
import type { Fill } from '../../../shared/domain/fill.ts';
import { type Fixed, parseFixed } from '../../../shared/domain/fixed.ts';
import type { OrderIntent, OrderSide, OrderStatus } from '../../../shared/domain/order.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';

/** Records what the router tells risk; approves everything, or asks a real risk manager when given one. */
export class RecordingRisk implements PreTradeRisk {
  readonly submitted: string[] = [];
  readonly statuses: [string, OrderStatus][] = [];
  readonly fills: string[] = [];
  readonly #inner: PreTradeRisk | undefined;
  reconciled = 0;
  unreconciled = 0;

  constructor(inner?: PreTradeRisk) {
    this.#inner = inner;
  }

  check(intent: OrderIntent): RiskDecision {
    return this.#inner?.check(intent) ?? APPROVED;
  }
  newExposureHold(): string | null {
    return this.#inner?.newExposureHold() ?? null;
  }
  onOrderSubmitted(clientOrderId: string, intent: OrderIntent): void {
    this.submitted.push(clientOrderId);
    this.#inner?.onOrderSubmitted(clientOrderId, intent);
  }
  onOrderStatus(clientOrderId: string, status: OrderStatus, unbookedQty: Fixed): void {
    this.statuses.push([clientOrderId, status]);
    this.#inner?.onOrderStatus(clientOrderId, status, unbookedQty);
  }
  onOrderReplaced(oldClientOrderId: string, newClientOrderId: string, replacement: OrderIntent): void {
    this.#inner?.onOrderReplaced(oldClientOrderId, newClientOrderId, replacement);
  }
  onFill(fill: Fill, realized: Fixed): void {
    this.fills.push(fill.executionId);
    this.#inner?.onFill(fill, realized);
  }
  reconcile(account: Account): void {
    this.reconciled += 1;
    this.#inner?.reconcile(account);
  }
  markUnreconciled(reason: string): void {
    this.unreconciled += 1;
    this.#inner?.markUnreconciled(reason);
  }
}

export interface ExecutionStack {
  readonly sim: Simulator;
  readonly client: AlpacaTradingClient;
  readonly stream: TradeUpdatesClient;
  readonly router: OrderRouter;
  readonly portfolio: Portfolio;
  readonly tracker: OrderTracker;
  readonly risk: RecordingRisk;
  readonly scheduler: RequestScheduler;
  readonly alarms: OrderAlarm[];
  readonly slippage: SlippageRecorder;
  readonly metrics: Registry;
  readonly orders: OrderMetrics;
  readonly states: StreamState[];
  /** Called on every stream state change, after the router has seen it. */
  onState: ((state: StreamState) => void) | null;
  close(): Promise<void>;
}

export interface StackOptions {
  /** A real risk manager to consult (the stack then books into its position book); by default everything is approved. */
  readonly risk?: RiskManager;
  /** The simulator's fill slippage, in basis points against the taker. */
  readonly slippageBps?: number;
}

export async function startExecutionStack(options: StackOptions = {}): Promise<ExecutionStack> {
  const sim = await startSimulator({
    market: 'scripted',
    symbols: ['AAPL', 'MSFT'],
    slippage: { fixedBps: options.slippageBps ?? 0 },
  });
  sim.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 10_000, askSize: 10_000 });
  sim.market.setQuote('MSFT', { bidPrice: 400, askPrice: 400.1, bidSize: 10_000, askSize: 10_000 });
  const portfolio = options.risk?.positions ?? new Portfolio(systemClock);
  const risk = new RecordingRisk(options.risk);
  const metrics = new Registry();
  const alarms: OrderAlarm[] = [];
  const states: StreamState[] = [];
  const logger = createLogger({ name: 'execution-test', level: 'silent' });
  const venue = createAlpacaTradingVenue({
    tradingUrl: sim.baseUrl,
    tradingStreamUrl: sim.tradeUpdatesUrl,
    credentials: { keyId: sim.context.credentials.keyId, secretKey: sim.context.credentials.secretKey },
    clock: systemClock,
    logger,
    metrics,
    requestTimeoutMs: 300,
    reconnectBaseDelayMs: 20,
    reconnectMaxDelayMs: 100,
  });
  const execution = createExecutionService({
    venue,
    clock: systemClock,
    logger,
    risk,
    positions: portfolio,
    metrics,
    requestsPerMinute: 200,
    retryPolicy: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 100 },
  });
  execution.events.on('order_alarm', ({ alarm }) => alarms.push(alarm));
  execution.events.on('connection', ({ state }) => {
    states.push(state);
    stack.onState?.(state);
  });
  const stack: ExecutionStack = {
    sim,
    client: venue.client,
    stream: venue.stream,
    router: execution.router,
    portfolio,
    tracker: execution.tracker,
    risk,
    scheduler: execution.scheduler,
    alarms,
    slippage: execution.slippage,
    metrics,
    orders: execution.orders,
    states,
    onState: null,
    async close() {
      await execution.stop();
      await sim.close();
    },
  };
  execution.start();
  await waitFor(() => execution.router.entriesAllowed);
  return stack;
}

export function waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

let intentCount = 0;

export function intent(
  overrides: Partial<OrderIntent> & { side?: OrderSide; qty?: Fixed } = {},
): OrderIntent {
  intentCount += 1;
  return {
    intentId: `intent-${process.pid}-${intentCount}`,
    strategyId: 'integration',
    symbol: 'AAPL',
    assetClass: 'us_equity',
    side: 'buy',
    qty: parseFixed('10'),
    type: 'market',
    timeInForce: 'day',
    referencePrice: parseFixed('100.01'),
    purpose: 'entry',
    createdAtMs: Date.now(),
    ...overrides,
  };
}

export async function armFault(
  sim: Simulator,
  kind: 'rest' | 'stream' | 'events',
  body: unknown,
): Promise<void> {
  const response = await fetch(`${sim.baseUrl}/admin/trading/faults/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`fault not armed: ${await response.text()}`);
}

/** Our positions against the simulator's, symbol by symbol. */
export async function positionsMatch(stack: ExecutionStack): Promise<{ ours: string[]; broker: string[] }> {
  const broker = (await stack.client.listPositions())
    .map((position) => `${position.symbol}:${position.qty}`)
    .sort();
  const ours = stack.portfolio
    .openPositions()
    .map((position) => `${position.symbol}:${position.qty}`)
    .sort();
  return { ours, broker };
}
