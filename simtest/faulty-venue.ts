/**
 * The venue port as the engine's core sees it in a simulation run: the in-process venue behind a
 * wrapper that plays the faults of a real broker connection, scripted by the scenario.
 *
 * - REST: a 5xx or a timeout before the request takes effect, or after it did (the order was
 *   accepted, the answer was lost), and 429 bursts; the sim's RestFaults decides which request
 *   a fault hits, by method and Alpaca route, as the HTTP simulator's admin faults do.
 * - Trade updates: the sim's EventFaultPipeline delays, repeats or reverses events; an outage
 *   drops the connection, and the events in it are lost, as on a broken socket.
 * - Cancels: slow to be final (the venue's own fault: the order stays pending_cancel, and may
 *   fill meanwhile), or racing a fill (the request in flight while the order fills, which the
 *   venue then answers with 422, the fill reported only after), or failing with 503 for a while
 *   from the next one on; a risk exit refused as a potential wash trade (Alpaca's 403).
 *
 * It also keeps what only the venue knows, for the invariants: every order it accepted and every
 * execution it reported, whether or not the engine heard of them.
 */
import type { Account } from '../shared/domain/account.ts';
import type { Fixed } from '../shared/domain/fixed.ts';
import type { Timers } from '../shared/time/timers.ts';
import type { ConnectionState } from '../shared/venue/connection-state.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import {
  VenueRateLimitedError,
  VenueRejectedError,
  VenueUnreachableError,
} from '../shared/venue/venue-errors.ts';
import type {
  BulkItemResult,
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
  VenueOrder,
  VenueOrderEvent,
  VenuePosition,
  VenueQuota,
} from '../shared/venue/venue-types.ts';
import { type EventFault, EventFaultPipeline } from '../sim/faults/event-faults.ts';
import { type RestFault, RestFaults } from '../sim/faults/rest-faults.ts';
import type { EventLog } from './event-log.ts';

/** How long a request hangs before the client gives up on it (undici's headers timeout, scaled down). */
const REQUEST_TIMEOUT_MS = 10_000;
/** A 429's window: Alpaca's resets within the minute; a second keeps the runs short. */
const RATE_LIMIT_RESET_MS = 1_000;
/** Alpaca's code for a 429. */
const RATE_LIMITED_CODE = 42910000;
/** Alpaca's code and message for an order that could trade against the account's own. */
const WASH_TRADE_CODE = 40310000;
const WASH_TRADE_MESSAGE = 'potential wash trade detected. use complex orders';

/** An order the venue holds, whoever asked for it and whatever became of the answer. */
export interface AcceptedOrder {
  readonly clientOrderId: string;
  readonly orderId: string;
  readonly symbol: string;
  /** The order it replaced, for a replacement. */
  readonly replaces: string | null;
}

export interface VenueExecutionRecord {
  readonly executionId: string;
  readonly clientOrderId: string;
  readonly qty: Fixed;
}

export interface FaultyVenueOptions {
  readonly inner: TradingVenue;
  readonly timers: Timers;
  readonly nowMs: () => number;
  readonly log: EventLog;
  /** Called when a client_order_id is first sent, before any fault: the moment exposure is entered. */
  readonly onFirstAttempt: (request: OrderRequest) => void;
  /**
   * The broken variant `retry-skips-lookup`: a submission retried after a failed attempt goes
   * out under a fresh client_order_id, and the lookup by client_order_id before it finds nothing,
   * which is what an order retry that skips the lookup sends.
   */
  readonly retrySkipsLookup?: boolean;
  /** The venue's own fault: the next cancels stay pending_cancel for a while. */
  readonly slowNextCancels: (count: number, ms: number) => void;
  /** The venue's own fault: the next cancels of a working limit order find it just filled. */
  readonly fillBeforeNextCancels: (count: number) => void;
  /** Whether a submission is one of risk's exits (a stop's, the kill switch's flatten). */
  readonly isRiskExit: (clientOrderId: string) => boolean;
}

export class FaultyVenue implements TradingVenue {
  readonly rest = new RestFaults();
  readonly events: EventFaultPipeline<VenueOrderEvent>;
  /** Every order the venue accepted (submissions and replacements), in order. */
  readonly accepted: AcceptedOrder[] = [];
  /** Every execution the venue reported, by execution id. */
  readonly executions = new Map<string, VenueExecutionRecord>();
  /** Events delivered to the engine more than once, by execution id (duplicate faults). */
  readonly repeatedExecutions = new Set<string>();

  readonly #inner: TradingVenue;
  readonly #timers: Timers;
  readonly #nowMs: () => number;
  readonly #log: EventLog;
  readonly #options: FaultyVenueOptions;
  readonly #listeners = new Set<(event: VenueOrderEvent) => void>();
  readonly #stateListeners = new Set<(state: ConnectionState, fault: Error | null) => void>();
  readonly #sent = new Set<string>();
  readonly #delivered = new Set<string>();
  /** Client order ids whose last submission attempt failed (for the broken retry). */
  readonly #failedAttempts = new Map<string, number>();
  #innerState: ConnectionState;
  #outageUntilMs: number | null = null;
  /** Cancels still to race a fill, and how long each is in flight. */
  #racingCancels = { count: 0, delayMs: 0 };
  /** Events of orders whose racing cancel is in flight, by order id, held until it is answered. */
  readonly #held = new Map<string, VenueOrderEvent[]>();
  /** Risk exits still to be refused as potential wash trades. */
  #washTrades = 0;
  /** The cancel endpoint's outage: armed (its length), then running (until when), or neither. */
  #cancelOutage: { readonly armedMs: number } | { readonly untilMs: number } | null = null;

  constructor(options: FaultyVenueOptions) {
    this.#inner = options.inner;
    this.#timers = options.timers;
    this.#nowMs = options.nowMs;
    this.#log = options.log;
    this.#options = options;
    this.#innerState = options.inner.connectionState;
    this.events = new EventFaultPipeline<VenueOrderEvent>({
      after: (delayMs, run) => options.timers.setTimeout(run, delayMs),
    });
    options.inner.onConnectionState((state, fault) => {
      this.#innerState = state;
      if (this.#outageUntilMs === null) this.#publishState(state, fault);
    });
    options.inner.onOrderEvent((event) => this.#onInnerEvent(event));
  }

  get connectionState(): ConnectionState {
    return this.#outageUntilMs === null ? this.#innerState : 'reconnecting';
  }

  /** Drops the order-event connection for `durationMs`; the events in between are lost. */
  outage(durationMs: number): void {
    if (this.#outageUntilMs !== null || this.#innerState !== 'ready') return;
    this.#outageUntilMs = this.#nowMs() + durationMs;
    this.#log.add('fault', { fault: 'stream_outage', durationMs });
    this.#publishState('reconnecting', null);
    this.#timers.setTimeout(() => {
      this.#outageUntilMs = null;
      this.#log.add('stream', { state: this.#innerState });
      this.#publishState(this.#innerState, null);
    }, durationMs);
  }

  armRest(fault: RestFault, count: number): void {
    this.#log.add('fault', {
      fault: 'rest',
      kind: fault.kind,
      status: fault.status,
      when: fault.when,
      count,
    });
    this.rest.arm(fault, count);
  }

  armEvents(fault: EventFault): void {
    this.#log.add('fault', { fault: `order_events_${fault.kind}`, count: fault.count });
    this.events.arm(fault);
  }

  /** The next `count` cancels stay pending_cancel for `ms` before they are final. */
  slowCancels(count: number, ms: number): void {
    this.#log.add('fault', { fault: 'slow_cancels', count, durationMs: ms });
    this.#options.slowNextCancels(count, ms);
  }

  /**
   * The next `count` cancels are `delayMs` in flight, the order's events held back as long, and
   * lose the race: a working limit order fills just before its cancel arrives.
   */
  raceCancels(count: number, delayMs: number): void {
    this.#log.add('fault', { fault: 'cancel_race', count, delayMs });
    this.#racingCancels = { count, delayMs };
  }

  /** The next `count` risk exits are refused as potential wash trades. */
  refuseExitsAsWashTrades(count: number): void {
    this.#log.add('fault', { fault: 'wash_trade', count });
    this.#washTrades = count;
  }

  /** From the next cancel on, every cancel answers 503 for `durationMs`. */
  cancelOutage(durationMs: number): void {
    this.#log.add('fault', { fault: 'cancel_outage', durationMs });
    this.#cancelOutage = { armedMs: durationMs };
  }

  /** Whether the cancel endpoint is down now (the first cancel after arming starts the outage). */
  #cancelsDown(): boolean {
    const outage = this.#cancelOutage;
    if (outage === null) return false;
    const nowMs = this.#nowMs();
    if ('armedMs' in outage) {
      this.#cancelOutage = { untilMs: nowMs + outage.armedMs };
      return true;
    }
    if (nowMs < outage.untilMs) return true;
    this.#cancelOutage = null;
    return false;
  }

  /** The quiet end of a run: armed faults are dropped, held events delivered. */
  disarm(): void {
    this.rest.clear();
    this.#options.slowNextCancels(0, 0);
    this.#options.fillBeforeNextCancels(0);
    this.#racingCancels = { count: 0, delayMs: 0 };
    this.#washTrades = 0;
    this.#cancelOutage = null;
    this.events.flush((event) => this.#deliver(event));
  }

  #publishState(state: ConnectionState, fault: Error | null): void {
    for (const listener of this.#stateListeners) listener(state, fault);
  }

  #onInnerEvent(event: VenueOrderEvent): void {
    const { execution, order } = event;
    if (execution !== null) {
      this.executions.set(execution.executionId, {
        executionId: execution.executionId,
        clientOrderId: order.clientOrderId,
        qty: execution.qty,
      });
    }
    const held = this.#held.get(order.id);
    if (held !== undefined) held.push(event);
    else this.#forward(event);
  }

  #forward(event: VenueOrderEvent): void {
    if (this.#outageUntilMs !== null) {
      this.#log.add('event_lost', { event: event.event, clientOrderId: event.order.clientOrderId });
      return;
    }
    this.events.push(event, (delivered) => this.#deliver(delivered));
  }

  #deliver(event: VenueOrderEvent): void {
    if (this.#outageUntilMs !== null) {
      this.#log.add('event_lost', { event: event.event, clientOrderId: event.order.clientOrderId });
      return;
    }
    const executionId = event.execution?.executionId ?? null;
    if (executionId !== null) {
      if (this.#delivered.has(executionId)) this.repeatedExecutions.add(executionId);
      this.#delivered.add(executionId);
    }
    this.#log.add('event', {
      event: event.event,
      clientOrderId: event.order.clientOrderId,
      status: event.order.status,
      executionId,
    });
    for (const listener of this.#listeners) listener(event);
  }

  /** One request through the armed faults: the fault's answer, or the venue's. */
  async #call<T>(
    method: string,
    route: string,
    clientOrderId: string | null,
    run: () => Promise<T>,
  ): Promise<T> {
    const fault = this.rest.take(method, route);
    if (fault === undefined) return run();
    const context = { method, route, clientOrderId };
    this.#log.add('rest_fault', {
      method,
      route: route.startsWith('/v2/orders/') ? '/v2/orders/{id}' : route,
      clientOrderId,
      kind: fault.kind,
      status: fault.status,
      when: fault.when,
    });
    if (fault.kind === 'status' && fault.status === 429) {
      throw new VenueRateLimitedError(
        RATE_LIMITED_CODE,
        'rate limit exceeded',
        this.#nowMs() + RATE_LIMIT_RESET_MS,
        context,
      );
    }
    if (fault.when === 'after') {
      // It takes effect; whatever the venue answered is lost.
      await run().catch(() => undefined);
    }
    if (fault.kind === 'status')
      throw new VenueRejectedError(fault.status, null, 'internal server error', context);
    await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, REQUEST_TIMEOUT_MS));
    throw new VenueUnreachableError('unknown', 'UND_ERR_HEADERS_TIMEOUT', context, null);
  }

  start(): void {
    this.#inner.start();
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }

  onConnectionState(listener: (state: ConnectionState, fault: Error | null) => void): () => void {
    this.#stateListeners.add(listener);
    return () => {
      this.#stateListeners.delete(listener);
    };
  }

  onQuota(listener: (quota: VenueQuota) => void): () => void {
    return this.#inner.onQuota(listener);
  }

  onOrderEvent(listener: (event: VenueOrderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async submitOrder(request: OrderRequest): Promise<VenueOrder> {
    let sent = request;
    const { clientOrderId } = request;
    if (!this.#sent.has(clientOrderId)) {
      this.#sent.add(clientOrderId);
      this.#options.onFirstAttempt(request);
    } else if (this.#options.retrySkipsLookup === true) {
      const attempt = (this.#failedAttempts.get(clientOrderId) ?? 1) + 1;
      sent = { ...request, clientOrderId: `${clientOrderId}.${attempt}` };
    }
    this.#log.add('submit', {
      clientOrderId: sent.clientOrderId,
      symbol: request.symbol,
      side: request.side,
    });
    try {
      if (this.#washTrades > 0 && this.#options.isRiskExit(clientOrderId)) {
        this.#washTrades--;
        const context = { method: 'POST', route: '/v2/orders', clientOrderId };
        this.#log.add('rest_fault', { ...context, kind: 'status', status: 403, when: 'before' });
        throw new VenueRejectedError(403, WASH_TRADE_CODE, WASH_TRADE_MESSAGE, context);
      }
      const order = await this.#call('POST', '/v2/orders', sent.clientOrderId, async () => {
        const placed = await this.#inner.submitOrder(sent);
        this.accepted.push({
          clientOrderId: placed.clientOrderId,
          orderId: placed.id,
          symbol: placed.symbol,
          replaces: null,
        });
        return placed;
      });
      this.#failedAttempts.delete(clientOrderId);
      return order;
    } catch (error) {
      this.#failedAttempts.set(clientOrderId, (this.#failedAttempts.get(clientOrderId) ?? 1) + 1);
      this.#log.add('submit_failed', { clientOrderId: sent.clientOrderId, error: (error as Error).name });
      throw error;
    }
  }

  async cancelOrder(orderId: string): Promise<void> {
    this.#log.add('cancel', { orderId });
    const cancel = (): Promise<void> => {
      if (this.#cancelsDown()) {
        const context = { method: 'DELETE', route: '/v2/orders/{id}', clientOrderId: null };
        this.#log.add('rest_fault', { ...context, kind: 'status', status: 503, when: 'before' });
        return Promise.reject(new VenueRejectedError(503, null, 'service unavailable', context));
      }
      return this.#call('DELETE', `/v2/orders/${orderId}`, null, () => this.#inner.cancelOrder(orderId));
    };
    if (this.#racingCancels.count === 0 || this.#held.has(orderId)) return cancel();
    this.#racingCancels.count--;
    const { delayMs } = this.#racingCancels;
    this.#log.add('cancel_in_flight', { orderId, delayMs });
    this.#held.set(orderId, []);
    try {
      await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, delayMs));
      this.#options.fillBeforeNextCancels(1);
      await cancel().catch((error: unknown) => {
        // A 422 here is the race lost: the order filled (or ended) while the cancel was on its way.
        this.#log.add('cancel_refused', {
          orderId,
          status: error instanceof VenueRejectedError ? error.status : null,
        });
        throw error;
      });
    } finally {
      // Only this cancel races: one that never reached the venue leaves the next one alone.
      this.#options.fillBeforeNextCancels(0);
      // The stream lags the answer: what happened to the order meanwhile arrives after it.
      this.#timers.setTimeout(() => {
        const held = this.#held.get(orderId) ?? [];
        this.#held.delete(orderId);
        for (const event of held) this.#forward(event);
      }, 0);
    }
  }

  cancelAllOrders(): Promise<BulkItemResult[]> {
    return this.#call('DELETE', '/v2/orders', null, () => this.#inner.cancelAllOrders());
  }

  replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder> {
    this.#log.add('replace', { orderId, clientOrderId: changes.clientOrderId ?? null });
    return this.#call('PATCH', `/v2/orders/${orderId}`, changes.clientOrderId ?? null, async () => {
      const order = await this.#inner.replaceOrder(orderId, changes);
      this.accepted.push({
        clientOrderId: order.clientOrderId,
        orderId: order.id,
        symbol: order.symbol,
        replaces: orderId,
      });
      return order;
    });
  }

  getOrder(orderId: string): Promise<VenueOrder | null> {
    return this.#call('GET', `/v2/orders/${orderId}`, null, () => this.#inner.getOrder(orderId));
  }

  getOrderByClientOrderId(clientOrderId: string): Promise<VenueOrder | null> {
    if (this.#options.retrySkipsLookup === true && this.#failedAttempts.has(clientOrderId)) {
      return Promise.resolve(null);
    }
    return this.#call('GET', '/v2/orders:by_client_order_id', clientOrderId, () =>
      this.#inner.getOrderByClientOrderId(clientOrderId),
    );
  }

  listOrders(query?: ListOrdersQuery): Promise<VenueOrder[]> {
    return this.#call('GET', '/v2/orders', null, () => this.#inner.listOrders(query));
  }

  listPositions(): Promise<VenuePosition[]> {
    return this.#call('GET', '/v2/positions', null, () => this.#inner.listPositions());
  }

  getAccount(): Promise<Account> {
    return this.#call('GET', '/v2/account', null, () => this.#inner.getAccount());
  }

  getClock(): Promise<MarketClock> {
    return this.#call('GET', '/v2/clock', null, () => this.#inner.getClock());
  }

  getCalendar(start: string, end: string): Promise<CalendarDay[]> {
    return this.#call('GET', '/v2/calendar', null, () => this.#inner.getCalendar(start, end));
  }
}
