/**
 * The execution stack wired against a real simulator on an ephemeral loopback port: trading
 * client, trade-updates stream, scheduler, state machine, portfolio and router. Risk is a
 * permissive stand-in here (the router's own behaviour is under test); the bench and the risk
 * suite cover the real rules.
 */
import { Registry } from 'prom-client';
import { OrderRouter, type PreTradeRisk } from '../../../engine/execution/order-router.ts';
import type { OrderAlarm } from '../../../engine/execution/order-state.ts';
import { OrderTracker } from '../../../engine/execution/order-tracker.ts';
import { RequestScheduler } from '../../../engine/execution/request-scheduler.ts';
import { SlippageRecorder } from '../../../engine/execution/slippage.ts';
import { TokenBucket } from '../../../engine/execution/token-bucket.ts';
import { Portfolio } from '../../../engine/portfolio/portfolio.ts';
import { APPROVED, type RiskDecision } from '../../../engine/risk/risk-decision.ts';
import { type StreamState, TradeUpdatesClient } from '../../../shared/broker/alpaca/trade-updates-client.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import type { Account } from '../../../shared/domain/account.ts';
import type { Fill } from '../../../shared/domain/fill.ts';
import { type Fixed, parseFixed } from '../../../shared/domain/fixed.ts';
import type { OrderIntent, OrderSide, OrderStatus } from '../../../shared/domain/order.ts';
import type { Position } from '../../../shared/domain/position.ts';
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
  onOrderSubmitted(clientOrderId: string, intent: OrderIntent): void {
    this.submitted.push(clientOrderId);
    this.#inner?.onOrderSubmitted(clientOrderId, intent);
  }
  onOrderStatus(clientOrderId: string, status: OrderStatus): void {
    this.statuses.push([clientOrderId, status]);
    this.#inner?.onOrderStatus(clientOrderId, status);
  }
  onOrderReplaced(oldClientOrderId: string, newClientOrderId: string, replacement: OrderIntent): void {
    this.#inner?.onOrderReplaced(oldClientOrderId, newClientOrderId, replacement);
  }
  onFill(fill: Fill): void {
    this.fills.push(fill.executionId);
    this.#inner?.onFill(fill);
  }
  reconcile(positions: readonly Position[], account: Account): void {
    this.reconciled += 1;
    this.#inner?.reconcile(positions, account);
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
  readonly states: StreamState[];
  /** Called on every stream state change, after the router has seen it. */
  onState: ((state: StreamState) => void) | null;
  close(): Promise<void>;
}

export async function startExecutionStack(innerRisk?: PreTradeRisk): Promise<ExecutionStack> {
  const sim = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
  sim.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 10_000, askSize: 10_000 });
  sim.market.setQuote('MSFT', { bidPrice: 400, askPrice: 400.1, bidSize: 10_000, askSize: 10_000 });
  const credentials = { keyId: sim.context.credentials.keyId, secretKey: sim.context.credentials.secretKey };
  const logger = createLogger({ name: 'execution-test', level: 'silent' });
  const bucket = new TokenBucket(systemClock, { limitPerMinute: 200 });
  const scheduler = new RequestScheduler(bucket);
  const client = new AlpacaTradingClient({
    baseUrl: sim.baseUrl,
    credentials,
    timeoutMs: 300,
    onRateLimitHeaders: (snapshot) => bucket.observeHeaders(snapshot),
  });
  const tracker = new OrderTracker();
  const portfolio = new Portfolio(systemClock);
  const risk = new RecordingRisk(innerRisk);
  const alarms: OrderAlarm[] = [];
  const router = new OrderRouter({
    client,
    risk,
    scheduler,
    tracker,
    portfolio,
    slippage: new SlippageRecorder(new Registry()),
    clock: systemClock,
    logger,
    retryPolicy: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 100 },
    onAlarm: (alarm) => alarms.push(alarm),
  });
  const states: StreamState[] = [];
  const stack: ExecutionStack = {
    sim,
    client,
    stream: new TradeUpdatesClient({
      url: sim.tradeUpdatesUrl,
      credentials,
      onUpdate: (update) => router.onTradeUpdate(update),
      onStateChange: (state) => {
        states.push(state);
        router.onStreamState(state);
        stack.onState?.(state);
      },
      reconnectBaseDelayMs: 20,
      reconnectMaxDelayMs: 100,
    }),
    router,
    portfolio,
    tracker,
    risk,
    scheduler,
    alarms,
    states,
    onState: null,
    async close() {
      await stack.stream.stop();
      scheduler.close();
      await client.close();
      await sim.close();
    },
  };
  stack.stream.start();
  await waitFor(() => router.entriesAllowed);
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
