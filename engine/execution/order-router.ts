/**
 * Intent → risk → order request with a deterministic client_order_id → broker, and every answer
 * and trade update back into the order state machine, the portfolio and risk.
 *
 * The rules this file exists for:
 * - An order POST whose outcome is unknown (timeout, reset, 5xx) is never resent blindly: the
 *   order is looked up by client_order_id first, and only a confirmed absence allows a resend —
 *   which the broker's uniqueness rule on client_order_id would still refuse as a duplicate.
 * - No new entries while the trade-updates stream is down or the gap it left is not yet closed
 *   from REST; exits and cancels still go.
 * - Every request spends the shared budget through the scheduler, cancels and exits first.
 */
import type { Logger } from 'pino';
import type { StreamState } from '../../shared/broker/alpaca/stream-connection-states.ts';
import type { TradeUpdate } from '../../shared/broker/alpaca/trade-updates-client-types.ts';
import type { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import {
  AlpacaApiError,
  AlpacaRateLimitError,
  isOutcomeUnknown,
  isSafeToResend,
} from '../../shared/broker/alpaca/trading-client-errors.ts';
import type { AlpacaOrder, OrderRequest } from '../../shared/broker/alpaca/trading-client-types.ts';
import type { Account } from '../../shared/domain/account.ts';
import type { Fill } from '../../shared/domain/fill.ts';
import { type Fixed, formatFixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent, OrderStatus } from '../../shared/domain/order.ts';
import type { Refusal } from '../../shared/domain/outcome.ts';
import type { Position } from '../../shared/domain/position.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { protectiveStopPrice } from '../risk/protective-stop.ts';
import type { RiskDecision, RiskDenial } from '../risk/risk-decision.ts';
import { clientOrderIdFor, replacementClientOrderId } from './client-order-id.ts';
import type { OrderAlarm, OrderEffects } from './order-state.ts';
import type { OrderTracker } from './order-tracker.ts';
import type { RequestScheduler } from './request-scheduler.ts';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import type { SlippageRecorder } from './slippage.ts';
import type { RequestPriority } from './token-bucket.ts';

/** What the router needs from pre-trade risk; engine/risk's RiskManager provides it. */
export interface PreTradeRisk {
  check(intent: OrderIntent): RiskDecision;
  onOrderSubmitted(clientOrderId: string, intent: OrderIntent): void;
  onOrderStatus(clientOrderId: string, status: OrderStatus): void;
  onOrderReplaced(oldClientOrderId: string, newClientOrderId: string, replacement: OrderIntent): void;
  onFill(fill: Fill): void;
  reconcile(positions: readonly Position[], account: Account): void;
  markUnreconciled(reason: string): void;
}

export type TradingApi = Pick<
  AlpacaTradingClient,
  | 'submitOrder'
  | 'getOrderByClientOrderId'
  | 'cancelOrder'
  | 'replaceOrder'
  | 'listOrders'
  | 'listPositions'
  | 'getAccount'
>;

export interface OrderRouterOptions {
  readonly client: TradingApi;
  readonly risk: PreTradeRisk;
  readonly scheduler: RequestScheduler;
  readonly tracker: OrderTracker;
  readonly portfolio: Portfolio;
  readonly slippage: SlippageRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retryPolicy?: RetryPolicy;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onAlarm?: (alarm: OrderAlarm) => void;
  /**
   * Asked at the moment each order is sent (after any queueing): a reason refuses the send. The
   * engine's lease fencing check lives here, so a paused engine whose lease lapsed sends nothing.
   */
  readonly sendGuard?: () => string | null;
  /** Each order just before its first send, synchronously: for persistence. */
  readonly onSending?: (request: OrderRequest, intent: OrderIntent) => void;
  /** Every broker order object seen (REST answers, trade updates, reconciliation): for persistence. */
  readonly onOrderUpdate?: (order: AlpacaOrder, intent: OrderIntent | undefined) => void;
  /** Every execution booked into the portfolio, with the P&L it realised: for persistence. */
  readonly onFill?: (fill: Fill, realized: Fixed) => void;
  /** How far before the stream was lost the gap-closing order query starts (default 60 s). */
  readonly resyncLookbackMs?: number;
  /**
   * Stops held at the broker (risk's `stops.mode = "broker"`): each US-equity entry goes as an OTO
   * with a stop-loss leg this far from its price (a bracket when the intent has a take-profit).
   */
  readonly brokerStopLossPct?: Fixed;
}

/** An intent that passed the gate and risk, with the exact request to send. */
export interface PreparedOrder {
  readonly ok: true;
  readonly intent: OrderIntent;
  readonly request: OrderRequest;
  readonly priority: RequestPriority;
}

/**
 * Every refusal is a Refusal (code and message for the operator); `reason` says which kind, and
 * `code` is the most specific name for it (a risk denial's rule code, or the kind itself).
 */
export type RouteRefusal =
  | (RiskDenialRefusal & { readonly reason: 'risk_denied' })
  | (Refusal<'trading_paused'> & { readonly reason: 'trading_paused' })
  | (Refusal<'duplicate_intent'> & { readonly reason: 'duplicate_intent'; readonly clientOrderId: string });

type RiskDenialRefusal = Refusal & { readonly denial: RiskDenial };

export type SubmitResult =
  | { readonly ok: true; readonly clientOrderId: string; readonly order: AlpacaOrder }
  | RouteRefusal
  | (Refusal<'broker_rejected'> & {
      readonly reason: 'broker_rejected';
      readonly clientOrderId: string;
      readonly status: number;
      /** Alpaca's numeric code, when its body had one. */
      readonly brokerCode: number | null;
    })
  /** Every attempt failed before reaching the broker: no order exists. */
  | (Refusal<'not_sent'> & { readonly reason: 'not_sent'; readonly clientOrderId: string })
  /** Retries ran out without learning whether the order exists; the next resync decides. */
  | (Refusal<'outcome_unknown'> & { readonly reason: 'outcome_unknown'; readonly clientOrderId: string });

type CancelRefusalKind = 'unknown_order' | 'already_final' | 'failed';

export type CancelResult =
  | { readonly ok: true; readonly clientOrderId: string }
  | (Refusal<CancelRefusalKind> & { readonly reason: CancelRefusalKind });

type ReplaceRefusalKind = 'unknown_order' | 'nothing_to_replace' | 'broker_rejected' | 'failed';

export type ReplaceResult =
  | { readonly ok: true; readonly clientOrderId: string; readonly order: AlpacaOrder }
  | (Refusal<ReplaceRefusalKind> & { readonly reason: ReplaceRefusalKind });

/** A refusal whose kind is also its code. */
function refused<Kind extends string>(
  kind: Kind,
  message: string,
): Refusal<Kind> & { readonly reason: Kind } {
  return { ok: false, reason: kind, code: kind, message };
}

export interface ReplaceChanges {
  readonly limitPrice?: Fixed;
  readonly stopPrice?: Fixed;
  /** The total quantity wanted; the replacement asks for this minus what already filled. */
  readonly totalQty?: Fixed;
}

/** The largest page GET /v2/orders returns. */
const PAGE_SIZE = 500;

/** Alpaca refuses a reused client_order_id with 422 and this code. */
const DUPLICATE_CLIENT_ORDER_ID_CODE = 40010001;

function isDuplicateClientOrderId(error: unknown): boolean {
  return (
    error instanceof AlpacaApiError &&
    error.status === 422 &&
    error.code === DUPLICATE_CLIENT_ORDER_ID_CODE &&
    /client_order_id/i.test(error.venueMessage)
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The send guard refused: nothing reached the broker. */
class SendRefused extends Error {
  override readonly name = 'SendRefused';
}

export class OrderRouter {
  readonly #client: TradingApi;
  readonly #risk: PreTradeRisk;
  readonly #scheduler: RequestScheduler;
  readonly #tracker: OrderTracker;
  readonly #portfolio: Portfolio;
  readonly #slippage: SlippageRecorder;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #onAlarm: (alarm: OrderAlarm) => void;
  readonly #sendGuard: () => string | null;
  readonly #onSending: (request: OrderRequest, intent: OrderIntent) => void;
  readonly #onOrderUpdate: (order: AlpacaOrder, intent: OrderIntent | undefined) => void;
  readonly #onFill: (fill: Fill, realized: Fixed) => void;
  readonly #resyncLookbackMs: number;
  readonly #brokerStopLossPct: Fixed | undefined;
  /** The intent behind each of our orders: its reference price measures slippage. */
  readonly #intents = new Map<string, OrderIntent>();
  readonly #reportedStatus = new Map<string, OrderStatus>();
  readonly #replacements = new Map<string, number>();
  /** When each of our orders reached a final status (clock ms), for forgetFinished. */
  readonly #finishedAtMs = new Map<string, number>();
  #streamState: StreamState = 'idle';
  #synced = false;
  #everSynced = false;
  #streamLostAtMs: number | null = null;
  #resync: Promise<void> | null = null;
  #resyncAgain = false;
  duplicateSubmitsAvoided = 0;

  constructor(options: OrderRouterOptions) {
    this.#client = options.client;
    this.#risk = options.risk;
    this.#scheduler = options.scheduler;
    this.#tracker = options.tracker;
    this.#portfolio = options.portfolio;
    this.#slippage = options.slippage;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#retry = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#onAlarm = options.onAlarm ?? (() => undefined);
    this.#sendGuard = options.sendGuard ?? (() => null);
    this.#onSending = options.onSending ?? (() => undefined);
    this.#onOrderUpdate = options.onOrderUpdate ?? (() => undefined);
    this.#onFill = options.onFill ?? (() => undefined);
    this.#resyncLookbackMs = options.resyncLookbackMs ?? 60_000;
    this.#brokerStopLossPct = options.brokerStopLossPct;
  }

  /** New entries are allowed: the stream is up and the gap since it last went down is closed. */
  get entriesAllowed(): boolean {
    return this.#streamState === 'ready' && this.#synced;
  }

  get streamState(): StreamState {
    return this.#streamState;
  }

  /**
   * The synchronous half of routing: the gate, risk, and the request. Pure of I/O, so it is
   * what `exec.intent_to_request` measures.
   */
  prepare(intent: OrderIntent): PreparedOrder | RouteRefusal {
    const entry = intent.purpose === 'entry';
    if (entry && !this.entriesAllowed) {
      return refused(
        'trading_paused',
        `no new entries: trade updates ${this.#streamState}${this.#synced ? '' : ', not yet reconciled'}`,
      );
    }
    const clientOrderId = clientOrderIdFor(intent.strategyId, intent.intentId);
    if (this.#tracker.knows(clientOrderId)) {
      return {
        ...refused('duplicate_intent', `an order for intent ${intent.intentId} was already sent`),
        clientOrderId,
      };
    }
    const decision = this.#risk.check(intent);
    if (!decision.ok)
      return {
        ok: false,
        reason: 'risk_denied',
        code: decision.code,
        message: decision.message,
        denial: decision,
      };
    const protective = decision.protectiveLimitPrice;
    const request: OrderRequest = {
      symbol: intent.symbol,
      qty: intent.qty,
      side: intent.side,
      // A market order goes as a marketable limit at risk's protective bound when it gives one.
      type: protective !== null && intent.type === 'market' ? 'limit' : intent.type,
      timeInForce: intent.timeInForce,
      clientOrderId,
      ...(protective !== null && intent.type === 'market'
        ? { limitPrice: protective }
        : intent.limitPrice === undefined
          ? {}
          : { limitPrice: intent.limitPrice }),
      ...(intent.stopPrice === undefined ? {} : { stopPrice: intent.stopPrice }),
      ...(intent.trailPrice === undefined ? {} : { trailPrice: intent.trailPrice }),
      ...(intent.trailPercent === undefined ? {} : { trailPercent: intent.trailPercent }),
      ...(intent.extendedHours === undefined ? {} : { extendedHours: intent.extendedHours }),
    };
    const protectedRequest =
      entry && this.#brokerStopLossPct !== undefined ? this.#withStopLeg(request, intent) : request;
    return { ok: true, intent, request: protectedRequest, priority: entry ? 'entry' : 'exit' };
  }

  /**
   * The entry with its protective legs. Alpaca takes order classes for US equities only, with a
   * day or gtc time in force; other entries go simple and rely on the engine's own stops.
   */
  #withStopLeg(request: OrderRequest, intent: OrderIntent): OrderRequest {
    if (intent.assetClass !== 'us_equity' || (request.timeInForce !== 'day' && request.timeInForce !== 'gtc'))
      return request;
    const stopPrice = protectiveStopPrice(
      request.side,
      request.limitPrice ?? intent.referencePrice,
      this.#brokerStopLossPct!,
    );
    if (stopPrice === null) return request;
    return intent.takeProfitPrice === undefined
      ? { ...request, orderClass: 'oto', stopLoss: { stopPrice } }
      : {
          ...request,
          orderClass: 'bracket',
          stopLoss: { stopPrice },
          takeProfit: { limitPrice: intent.takeProfitPrice },
        };
  }

  async submit(intent: OrderIntent): Promise<SubmitResult> {
    const prepared = this.prepare(intent);
    if (!prepared.ok) {
      if (prepared.reason === 'duplicate_intent') this.duplicateSubmitsAvoided += 1;
      return prepared;
    }
    return this.send(prepared);
  }

  /** Sends a prepared order, retrying only what is safe and resolving unknown outcomes by lookup. */
  async send(prepared: PreparedOrder): Promise<SubmitResult> {
    const { intent, request, priority } = prepared;
    const clientOrderId = request.clientOrderId;
    this.#tracker.register({ clientOrderId, symbol: request.symbol, side: request.side, qty: request.qty });
    this.#intents.set(clientOrderId, intent);
    this.#risk.onOrderSubmitted(clientOrderId, intent);
    this.#onSending(request, intent);
    let lastError: unknown = null;
    let mayHaveReachedBroker = false;
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      if (attempt > 1) await this.#backoff(attempt - 1, lastError);
      // After an unknown outcome the order may exist: only a confirmed absence allows a resend.
      if (lastError !== null && !isSafeToResend(lastError)) {
        const found = await this.#lookup(clientOrderId, priority);
        if (found === 'failed') continue;
        if (found !== null) {
          this.duplicateSubmitsAvoided += 1;
          return this.#accepted(clientOrderId, found, 'found after an unknown outcome');
        }
      }
      try {
        const order = await this.#scheduler.run(priority, () => {
          const refusal = this.#sendGuard();
          if (refusal !== null) throw new SendRefused(refusal);
          return this.#client.submitOrder(request);
        });
        return this.#accepted(clientOrderId, order, 'accepted');
      } catch (error) {
        if (error instanceof SendRefused) {
          if (mayHaveReachedBroker) {
            // An earlier attempt may have placed the order: it stays open until a resync finds out.
            this.#log.error(
              { clientOrderId, reason: error.message },
              'order retry refused by the send guard',
            );
            return { ...refused('outcome_unknown', error.message), clientOrderId };
          }
          this.#tracker.markRejected(clientOrderId);
          this.#reportStatus(clientOrderId);
          this.#log.error({ clientOrderId, reason: error.message }, 'order not sent: send guard refused');
          return { ...refused('not_sent', error.message), clientOrderId };
        }
        lastError = error;
        if (!isSafeToResend(error)) mayHaveReachedBroker = true;
        if (isDuplicateClientOrderId(error)) {
          // An earlier attempt did reach the broker: adopt that order.
          const found = await this.#lookup(clientOrderId, priority);
          if (found !== null && found !== 'failed') {
            this.duplicateSubmitsAvoided += 1;
            return this.#accepted(clientOrderId, found, 'already placed');
          }
          continue;
        }
        if (error instanceof AlpacaApiError && !isOutcomeUnknown(error) && !isSafeToResend(error)) {
          return this.#rejected(clientOrderId, error);
        }
        this.#log.warn({ clientOrderId, attempt, err: error }, 'order submit failed, will retry');
      }
    }
    if (!mayHaveReachedBroker) {
      // Every attempt failed before the broker saw it (refused connection, 429): there is no order.
      this.#tracker.markRejected(clientOrderId);
      this.#reportStatus(clientOrderId);
      this.#log.error({ clientOrderId, err: lastError }, 'order not sent: broker unreachable');
      return { ...refused('not_sent', errorMessage(lastError)), clientOrderId };
    }
    this.#log.error({ clientOrderId, err: lastError }, 'order outcome unknown after retries');
    return { ...refused('outcome_unknown', errorMessage(lastError)), clientOrderId };
  }

  /** Requests a cancel; an order already final is reported as such, not as a failure to retry. */
  async cancel(clientOrderId: string): Promise<CancelResult> {
    const state = this.#tracker.get(clientOrderId);
    if (state === undefined) return refused('unknown_order', `no order ${clientOrderId}`);
    let orderId = state.orderId;
    if (orderId === null) {
      const found = await this.#lookup(clientOrderId, 'cancel');
      if (found === null || found === 'failed') {
        return refused('unknown_order', 'the broker has not reported this order yet');
      }
      this.#applyEffects(this.#tracker.onOrder(found));
      orderId = found.id;
    }
    if (state.isTerminal) return refused('already_final', `order is ${state.status}`);
    const id = orderId;
    try {
      await this.#idempotent('cancel', () => this.#client.cancelOrder(id));
      return { ok: true, clientOrderId };
    } catch (error) {
      if (error instanceof AlpacaApiError && (error.status === 404 || error.status === 422)) {
        // Refused because it is final, or because an earlier attempt's cancel is already pending.
        const found = await this.#lookup(clientOrderId, 'cancel');
        if (found !== null && found !== 'failed') {
          this.#applyEffects(this.#tracker.onOrder(found));
          this.#reportStatus(clientOrderId);
          if (found.status === 'pending_cancel' || found.status === 'canceled')
            return { ok: true, clientOrderId };
        }
        return refused('already_final', error.venueMessage);
      }
      return refused('failed', errorMessage(error));
    }
  }

  /**
   * Reads one order from the broker by client_order_id and folds it in as an authoritative
   * snapshot (a fill the stream has not delivered yet is booked now, once). Null when the broker
   * has no such order, 'failed' when it could not be asked.
   */
  async refreshOrder(clientOrderId: string): Promise<OrderStatus | null | 'failed'> {
    const found = await this.#lookup(clientOrderId, 'cancel');
    if (found === null || found === 'failed') return found;
    this.#onOrderUpdate(found, this.#intents.get(clientOrderId));
    this.#applyEffects(this.#tracker.reconcile(found));
    this.#reportStatus(clientOrderId);
    return found.status;
  }

  /** Cancels every open order we track (the broker's own cancel-all would take manual orders too). */
  async cancelAllOpen(): Promise<CancelResult[]> {
    return Promise.all(this.#tracker.openOrders().map((state) => this.cancel(state.clientOrderId)));
  }

  /**
   * Replaces a working order. The replacement asks for what is still unfilled, never the original
   * quantity, and gets its own deterministic client_order_id.
   */
  async replace(clientOrderId: string, changes: ReplaceChanges): Promise<ReplaceResult> {
    const state = this.#tracker.get(clientOrderId);
    const intent = this.#intents.get(clientOrderId);
    if (state === undefined || state.orderId === null || intent === undefined) {
      return refused('unknown_order', `no acknowledged order ${clientOrderId}`);
    }
    const remaining = (changes.totalQty ?? state.view().qty) - state.filledQty;
    if (state.isTerminal || remaining <= 0n) {
      return refused('nothing_to_replace', `filled ${formatFixed(state.filledQty)}`);
    }
    const count = (this.#replacements.get(clientOrderId) ?? 0) + 1;
    this.#replacements.set(clientOrderId, count);
    const newClientOrderId = replacementClientOrderId(clientOrderId, count);
    const qty = remaining as Fixed;
    const replacement: OrderIntent = {
      ...intent,
      qty,
      ...(changes.limitPrice === undefined ? {} : { limitPrice: changes.limitPrice }),
      ...(changes.stopPrice === undefined ? {} : { stopPrice: changes.stopPrice }),
    };
    this.#tracker.register({
      clientOrderId: newClientOrderId,
      symbol: intent.symbol,
      side: intent.side,
      qty,
    });
    this.#intents.set(newClientOrderId, replacement);
    const orderId = state.orderId;
    let sent = false;
    try {
      const order = await this.#idempotent('exit', async () => {
        // A PATCH is not idempotent either: after an unknown outcome, look for the new order first.
        if (sent) {
          const existing = await this.#client.getOrderByClientOrderId(newClientOrderId);
          if (existing !== null) return existing;
        }
        sent = true;
        return this.#client.replaceOrder(orderId, {
          qty,
          clientOrderId: newClientOrderId,
          ...(changes.limitPrice === undefined ? {} : { limitPrice: changes.limitPrice }),
          ...(changes.stopPrice === undefined ? {} : { stopPrice: changes.stopPrice }),
        });
      });
      this.#risk.onOrderReplaced(clientOrderId, newClientOrderId, replacement);
      this.#applyEffects(this.#tracker.onOrder(order));
      return { ok: true, clientOrderId: newClientOrderId, order };
    } catch (error) {
      if (error instanceof AlpacaApiError && !isOutcomeUnknown(error) && !isSafeToResend(error)) {
        this.#tracker.markRejected(newClientOrderId);
        return refused('broker_rejected', error.venueMessage);
      }
      return refused('failed', errorMessage(error));
    }
  }

  onTradeUpdate(update: TradeUpdate): void {
    this.#onOrderUpdate(update.order, this.#intents.get(update.order.clientOrderId));
    this.#applyEffects(this.#tracker.onTradeUpdate(update));
    this.#reportStatus(update.order.clientOrderId);
  }

  /** Follows the trade-updates stream: pauses entries when it drops, closes the gap when it is back. */
  onStreamState(state: StreamState): void {
    const previous = this.#streamState;
    this.#streamState = state;
    if (state === 'ready') {
      void this.resync();
      return;
    }
    if (previous === 'ready' || this.#synced) {
      this.#synced = false;
      // The earliest loss not yet reconciled: a second outage during a resync widens the window.
      this.#streamLostAtMs ??= this.#clock.nowMs();
      this.#risk.markUnreconciled(`trade updates stream ${state}`);
    }
  }

  /**
   * Closes the gap from REST: orders open now and orders touched since shortly before the stream
   * went down are reconciled (fills the stream missed get booked once), positions and account
   * are handed to risk, and then entries resume. Concurrent calls share one run.
   */
  resync(): Promise<void> {
    if (this.#resync !== null) {
      // A run already under way may have read the broker before this request's reason arose.
      this.#resyncAgain = true;
      return this.#resync;
    }
    this.#resync = (async () => {
      do {
        this.#resyncAgain = false;
        await this.#runResync();
      } while (this.#resyncAgain);
    })().finally(() => {
      this.#resync = null;
    });
    return this.#resync;
  }

  async #runResync(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const since = (this.#streamLostAtMs ?? this.#clock.nowMs()) - this.#resyncLookbackMs;
        const [open, recent] = await Promise.all([
          this.#idempotent('query', () => this.#client.listOrders({ status: 'open', limit: PAGE_SIZE })),
          this.#ordersSince(since),
        ]);
        for (const order of [...recent, ...open]) {
          this.#onOrderUpdate(order, this.#intents.get(order.clientOrderId));
          this.#applyEffects(this.#tracker.reconcile(order));
          this.#reportStatus(order.clientOrderId);
        }
        await this.#resolveUnacknowledged();
        const [positions, account] = await Promise.all([
          this.#idempotent('query', () => this.#client.listPositions()),
          this.#idempotent('query', () => this.#client.getAccount()),
        ]);
        this.#checkPositions(positions);
        if (this.#streamState === 'ready' && !this.#resyncAgain) {
          this.#risk.reconcile(this.#portfolio.openPositions(), account);
          this.#synced = true;
          this.#everSynced = true;
          this.#streamLostAtMs = null;
          this.#log.info({ orders: open.length + recent.length }, 'trading state reconciled; entries resume');
        }
        return;
      } catch (error) {
        this.#log.warn({ attempt, err: error }, 'resync failed, will retry');
        if (this.#streamState !== 'ready') return;
        await this.#sleep(backoffDelayMs(this.#retry, Math.min(attempt, 6), this.#random));
      }
    }
  }

  /** Every order submitted after `sinceMs`, oldest first, page by page. */
  async #ordersSince(sinceMs: number): Promise<AlpacaOrder[]> {
    const orders: AlpacaOrder[] = [];
    let afterMs = sinceMs;
    for (;;) {
      const from = afterMs;
      const page = await this.#idempotent('query', () =>
        this.#client.listOrders({ status: 'all', afterMs: from, limit: PAGE_SIZE, direction: 'asc' }),
      );
      orders.push(...page);
      const last = page.at(-1);
      // `after` is exclusive and has millisecond resolution here: step back 1 ms so orders sharing
      // the last one's millisecond are not skipped (seeing one twice is harmless).
      if (page.length < PAGE_SIZE || last === undefined || last.createdAtMs - 1 <= afterMs) return orders;
      afterMs = last.createdAtMs - 1;
    }
  }

  /** Orders we sent whose fate is unknown (no answer ever arrived) are looked up one by one. */
  async #resolveUnacknowledged(): Promise<void> {
    for (const state of this.#tracker.openOrders()) {
      if (state.orderId !== null) continue;
      const found = await this.#lookup(state.clientOrderId, 'query');
      if (found !== null && found !== 'failed') {
        this.#applyEffects(this.#tracker.reconcile(found));
        this.#reportStatus(state.clientOrderId);
      }
    }
  }

  /**
   * The broker's positions are the truth. At the first sync they seed the portfolio; later, a
   * difference left after reconciling every order means a fill was lost or doubled, so it is
   * logged as an error before the broker's figure is taken.
   */
  #checkPositions(positions: readonly { symbol: string; qty: Fixed; avgEntryPrice: Fixed }[]): void {
    const broker = new Map(positions.map((position) => [position.symbol, position]));
    const symbols = new Set([...broker.keys(), ...this.#portfolio.openPositions().map((p) => p.symbol)]);
    for (const symbol of symbols) {
      const ours = this.#portfolio.position(symbol).qty;
      const theirs = broker.get(symbol);
      const theirQty = (theirs?.qty ?? 0n) as Fixed;
      if (ours === theirQty) continue;
      const details = { symbol, ours: formatFixed(ours), broker: formatFixed(theirQty) };
      if (this.#everSynced)
        this.#log.error(details, 'position differs from the broker; taking the broker position');
      else this.#log.info(details, 'position restored from the broker');
      this.#portfolio.restorePosition(symbol, theirQty, (theirs?.avgEntryPrice ?? 0n) as Fixed);
    }
  }

  #accepted(clientOrderId: string, order: AlpacaOrder, how: string): SubmitResult {
    this.#onOrderUpdate(order, this.#intents.get(clientOrderId));
    this.#applyEffects(this.#tracker.onOrder(order));
    this.#reportStatus(clientOrderId);
    this.#log.info(
      {
        clientOrderId,
        orderId: order.id,
        symbol: order.symbol,
        side: order.side,
        qty: formatFixed(order.qty),
      },
      `order ${how}`,
    );
    return { ok: true, clientOrderId, order };
  }

  #rejected(clientOrderId: string, error: AlpacaApiError): SubmitResult {
    this.#tracker.markRejected(clientOrderId);
    this.#reportStatus(clientOrderId);
    this.#log.warn(
      { clientOrderId, status: error.status, code: error.code },
      `order rejected: ${error.venueMessage}`,
    );
    return {
      ...refused('broker_rejected', error.venueMessage),
      clientOrderId,
      status: error.status,
      brokerCode: error.code,
    };
  }

  /** GET by client_order_id with retries: the order, null when the broker has none, or 'failed'. */
  async #lookup(clientOrderId: string, priority: RequestPriority): Promise<AlpacaOrder | null | 'failed'> {
    try {
      return await this.#idempotent(priority, () => this.#client.getOrderByClientOrderId(clientOrderId));
    } catch (error) {
      this.#log.warn({ clientOrderId, err: error }, 'order lookup failed');
      return 'failed';
    }
  }

  /** Runs a request that may be repeated as it is, retrying network errors, 5xx and 429. */
  async #idempotent<T>(priority: RequestPriority, task: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#scheduler.run(priority, task);
      } catch (error) {
        const retryable = isSafeToResend(error) || isOutcomeUnknown(error);
        if (!retryable || attempt >= this.#retry.maxAttempts) throw error;
        await this.#backoff(attempt, error);
      }
    }
  }

  async #backoff(retry: number, error: unknown): Promise<void> {
    if (error instanceof AlpacaRateLimitError) {
      // The bucket now holds every request until the reset; no extra sleep is needed.
      this.#scheduler.bucket.onRateLimited(error.resetAtMs);
      return;
    }
    await this.#sleep(backoffDelayMs(this.#retry, retry, this.#random));
  }

  #applyEffects(effects: OrderEffects): void {
    for (const fill of effects.bookings) {
      const realized = this.#portfolio.applyFill(fill);
      this.#risk.onFill(fill);
      this.#onFill(fill, realized);
      const intent = this.#intents.get(fill.clientOrderId);
      const slippage = intent === undefined ? null : this.#slippage.record(fill, intent.referencePrice).bps;
      this.#log.info(
        {
          clientOrderId: fill.clientOrderId,
          executionId: fill.executionId,
          symbol: fill.symbol,
          side: fill.side,
          qty: formatFixed(fill.qty),
          price: formatFixed(fill.price),
          realizedPnl: formatFixed(realized),
          position: formatFixed(this.#portfolio.position(fill.symbol).qty),
          slippageBps: slippage,
        },
        'fill',
      );
    }
    for (const alarm of effects.alarms) {
      this.#log.error({ alarm }, `order alarm: ${alarm.kind}`);
      this.#onAlarm(alarm);
    }
  }

  #reportStatus(clientOrderId: string): void {
    const state = this.#tracker.get(clientOrderId);
    const status = state?.status ?? null;
    if (status === null || this.#reportedStatus.get(clientOrderId) === status) return;
    this.#reportedStatus.set(clientOrderId, status);
    if (state?.isTerminal === true && !this.#finishedAtMs.has(clientOrderId)) {
      this.#finishedAtMs.set(clientOrderId, this.#clock.nowMs());
    }
    this.#risk.onOrderStatus(clientOrderId, status);
  }

  /**
   * Drops orders that finished more than `ageMs` ago, so a long session's memory stays bounded;
   * main calls it periodically. Their ids are remembered, so a late report cannot book a fill twice.
   */
  forgetFinished(ageMs: number, onForgotten?: (clientOrderId: string) => void): number {
    const cutoff = this.#clock.nowMs() - ageMs;
    let forgotten = 0;
    for (const [clientOrderId, finishedAtMs] of this.#finishedAtMs) {
      if (finishedAtMs > cutoff || !this.#tracker.forget(clientOrderId)) continue;
      this.#finishedAtMs.delete(clientOrderId);
      this.#intents.delete(clientOrderId);
      this.#reportedStatus.delete(clientOrderId);
      this.#replacements.delete(clientOrderId);
      onForgotten?.(clientOrderId);
      forgotten += 1;
    }
    return forgotten;
  }
}
