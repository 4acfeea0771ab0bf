/**
 * The venue port (shared/venue/trading-venue.ts) over a simulated broker core (matching engine,
 * account, calendar) in the caller's own process: requests go in as typed values and orders come
 * out mapped field by field, with no sockets and no JSON on the order path. The in-process venue
 * (quotes from the simulated market) and the bar venue (the backtest's, matched against bars)
 * both serve the port through it.
 *
 * Account and positions (off the order path) are rendered as the HTTP simulator renders them and
 * read back with the Alpaca adapter's schemas, so every venue answers them identically.
 */
import { accountSchema, positionListSchema } from '../shared/broker/alpaca/trading-client-wire.ts';
import type { Account } from '../shared/domain/account.ts';
import { type Fixed, ZERO } from '../shared/domain/fixed.ts';
import type { ManualClock } from '../shared/time/clock.ts';
import type { ConnectionState } from '../shared/venue/connection-state.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import { VenueRateLimitedError, VenueRejectedError } from '../shared/venue/venue-errors.ts';
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
import type { RateLimiter } from './http/rate-limiter.ts';
import { type ApiResult, apiErrors } from './trading/api-error.ts';
import { averageFillPrice } from './trading/fill-model.ts';
import type { ExecutionReport, SimTradeUpdateEvent } from './trading/matching-engine.ts';
import { ocoLimitPrice, orderRequestProblem, type SimOrderRequest } from './trading/order-request.ts';
import type { SimOrder } from './trading/sim-order.ts';
import type { VenueCore } from './trading/venue-core.ts';

const NO_LIMIT = 500;
/** The quota's key: an in-process venue has one account and no keys. */
const LIMITER_KEY = 'in-process';

export class SimulatedVenue implements TradingVenue {
  readonly #core: VenueCore;
  readonly #clock: ManualClock;
  readonly #stateListeners = new Set<(state: ConnectionState, fault: Error | null) => void>();
  #state: ConnectionState = 'idle';
  readonly #listeners = new Set<(event: VenueOrderEvent) => void>();
  #unsubscribe: (() => void) | undefined;
  /** The last order an event carried: a submission answers with its pending_new event's order. */
  #lastSource: SimOrder | undefined;
  #lastOrder: VenueOrder | undefined;

  readonly #limiter: RateLimiter | null;

  constructor(core: VenueCore, clock: ManualClock, limiter: RateLimiter | null) {
    this.#core = core;
    this.#clock = clock;
    this.#limiter = limiter;
  }

  /** Counts a request against the quota, refusing it (nothing done) beyond. */
  #admit(method: string, route: string, clientOrderId: string | null): void {
    if (this.#limiter === null) return;
    const quota = this.#limiter.take(LIMITER_KEY);
    if (quota.allowed) return;
    const error = apiErrors.rateLimited();
    throw new VenueRateLimitedError(error.code, error.message, quota.resetAtMs, {
      method,
      route,
      clientOrderId,
    });
  }

  /** In the same process nothing can be missed: events flow from `start` until `stop`. */
  get connectionState(): ConnectionState {
    return this.#state;
  }

  start(): void {
    if (this.#state === 'idle') this.#setState('ready');
  }

  async stop(): Promise<void> {
    if (this.#state !== 'stopped') this.#setState('stopped');
  }

  onConnectionState(listener: (state: ConnectionState, fault: Error | null) => void): () => void {
    this.#stateListeners.add(listener);
    return () => {
      this.#stateListeners.delete(listener);
    };
  }

  /** Nothing to announce: a rate-limited in-process venue says its reset in each refusal. */
  onQuota(_listener: (quota: VenueQuota) => void): () => void {
    return () => undefined;
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state, null);
  }

  async submitOrder(request: OrderRequest): Promise<VenueOrder> {
    this.#admit('POST', '/v2/orders', request.clientOrderId);
    let limitPrice = request.limitPrice ?? null;
    if (request.orderClass === 'oco') {
      const ocoLimit = ocoLimitPrice('oco', limitPrice, request.takeProfit?.limitPrice ?? null);
      if (!ocoLimit.ok) throw rejected(ocoLimit.error, 'POST', '/v2/orders', request.clientOrderId);
      limitPrice = ocoLimit.value;
    }
    const simRequest = toSimRequest(request, limitPrice);
    const problem = orderRequestProblem(simRequest);
    if (problem !== undefined) throw rejected(problem, 'POST', '/v2/orders', request.clientOrderId);
    this.#lastSource = undefined;
    const order = settle(this.#core.engine.submit(simRequest), 'POST', '/v2/orders', request.clientOrderId);
    // Nothing changes an order between its pending_new event and the end of its submission, so
    // when that event was the last one mapped, its order is the answer (legs' events come after).
    return this.#lastOrderOf(order) ?? venueOrder(order);
  }

  #lastOrderOf(source: SimOrder): VenueOrder | undefined {
    const mapped = this.#lastSource === source ? this.#lastOrder : undefined;
    this.#lastSource = undefined;
    this.#lastOrder = undefined;
    return mapped;
  }

  async cancelOrder(orderId: string): Promise<void> {
    this.#admit('DELETE', `/v2/orders/${orderId}`, null);
    settle(this.#core.engine.cancel(orderId), 'DELETE', `/v2/orders/${orderId}`, null);
  }

  async cancelAllOrders(): Promise<BulkItemResult[]> {
    this.#admit('DELETE', '/v2/orders', null);
    return this.#core.engine.openOrders().flatMap((open) => {
      if (open.status === 'pending_cancel') return [];
      const result = this.#core.engine.cancel(open.id);
      return [
        result.ok
          ? { key: open.id, status: 200, order: venueOrder(result.value) }
          : { key: open.id, status: result.error.status, order: null },
      ];
    });
  }

  async replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder> {
    this.#admit('PATCH', `/v2/orders/${orderId}`, changes.clientOrderId ?? null);
    const result = this.#core.engine.replace(orderId, {
      qty: changes.qty ?? null,
      timeInForce: changes.timeInForce ?? null,
      limitPrice: changes.limitPrice ?? null,
      stopPrice: changes.stopPrice ?? null,
      trail: changes.trail ?? null,
      clientOrderId: changes.clientOrderId ?? null,
    });
    return venueOrder(settle(result, 'PATCH', `/v2/orders/${orderId}`, changes.clientOrderId ?? null));
  }

  async getOrder(orderId: string): Promise<VenueOrder | null> {
    this.#admit('GET', `/v2/orders/${orderId}`, null);
    const order = this.#core.engine.getOrder(orderId);
    return order === undefined ? null : venueOrder(order);
  }

  async getOrderByClientOrderId(clientOrderId: string): Promise<VenueOrder | null> {
    this.#admit('GET', '/v2/orders:by_client_order_id', clientOrderId);
    const order = this.#core.engine.getOrderByClientId(clientOrderId);
    return order === undefined ? null : venueOrder(order);
  }

  async listOrders(query: ListOrdersQuery = {}): Promise<VenueOrder[]> {
    this.#admit('GET', '/v2/orders', null);
    const orders = this.#core.engine.listOrders({
      status: query.status ?? 'open',
      limit: query.limit ?? NO_LIMIT,
      afterUs: query.afterMs === undefined ? null : query.afterMs * 1000,
      untilUs: query.untilMs === undefined ? null : query.untilMs * 1000,
      direction: query.direction ?? 'desc',
      symbols: query.symbols === undefined ? null : new Set(query.symbols),
      side: null,
      nested: false,
    });
    return orders.map(venueOrder);
  }

  async listPositions(): Promise<VenuePosition[]> {
    this.#admit('GET', '/v2/positions', null);
    return positionListSchema.parse(this.#core.account.positions());
  }

  async getAccount(): Promise<Account> {
    this.#admit('GET', '/v2/account', null);
    return accountSchema.parse(this.#core.account.account());
  }

  async getClock(): Promise<MarketClock> {
    this.#admit('GET', '/v2/clock', null);
    const nowMs = this.#clock.nowMs();
    const session = this.#core.session;
    return {
      timestampMs: nowMs,
      isOpen: session.phase(nowMs) === 'regular',
      nextOpenMs: session.nextOpenMs(nowMs),
      nextCloseMs: session.nextCloseMs(nowMs),
    };
  }

  async getCalendar(start: string, end: string): Promise<CalendarDay[]> {
    this.#admit('GET', '/v2/calendar', null);
    return this.#core.session.calendar(start, end).map(({ date, open, close }) => ({ date, open, close }));
  }

  onOrderEvent(listener: (event: VenueOrderEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#unsubscribe ??= this.#core.engine.onLiveEvent((event, order, timestampUs, execution) =>
      this.#publish(event, order, timestampUs, execution),
    );
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#unsubscribe?.();
        this.#unsubscribe = undefined;
      }
    };
  }

  /**
   * One domain event per engine event, mapped before any listener runs: the engine hands over
   * its live order record, which a listener's own calls into the venue could change.
   */
  #publish(
    event: SimTradeUpdateEvent,
    source: SimOrder,
    timestampUs: number,
    execution: ExecutionReport | undefined,
  ): void {
    const timestampMs = Math.floor(timestampUs / 1000);
    const order = venueOrder(source);
    this.#lastSource = source;
    this.#lastOrder = order;
    const update: VenueOrderEvent = {
      event,
      order,
      timestampMs,
      // An event is mostly the order's own update: one bigint serves both.
      timestampNs: source.updatedUs === timestampUs ? order.updatedAtNs : nanosOf(timestampUs),
      execution:
        execution === undefined
          ? null
          : {
              executionId: execution.id,
              qty: execution.qty,
              price: execution.price,
              timestampMs,
              positionQty: execution.positionQty,
            },
    };
    for (const listener of this.#listeners) listener(update);
  }
}

/** The request as the HTTP simulator would have parsed its JSON body. */
function toSimRequest(request: OrderRequest, limitPrice: Fixed | null): SimOrderRequest {
  return {
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    timeInForce: request.timeInForce,
    qty: request.qty,
    notional: null,
    limitPrice,
    stopPrice: request.stopPrice ?? null,
    trailPrice: request.trailPrice ?? null,
    trailPercent: request.trailPercent ?? null,
    extendedHours: request.extendedHours ?? false,
    // An empty client_order_id is no client_order_id: the venue makes one up.
    clientOrderId: request.clientOrderId === '' ? null : request.clientOrderId,
    orderClass: request.orderClass ?? 'simple',
    takeProfit: request.takeProfit === undefined ? null : { limitPrice: request.takeProfit.limitPrice },
    stopLoss:
      request.stopLoss === undefined
        ? null
        : { stopPrice: request.stopLoss.stopPrice, limitPrice: request.stopLoss.limitPrice ?? null },
  };
}

let lastMicros = Number.NaN;
let lastNanos = 0n;

/** Microseconds as bigint nanoseconds; an order's events share their instant, and so one bigint. */
function nanosOf(micros: number): bigint {
  if (micros !== lastMicros) {
    lastMicros = micros;
    lastNanos = BigInt(micros) * 1000n;
  }
  return lastNanos;
}

/** The engine's own snapshot, field by field: what Alpaca's order object says, as domain values. */
function venueOrder(order: SimOrder): VenueOrder {
  return {
    id: order.id,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    assetClass: order.assetClass === 'crypto' ? 'crypto' : 'us_equity',
    side: order.side,
    type: order.type,
    timeInForce: order.timeInForce,
    qty: order.qty ?? ZERO,
    filledQty: order.filledQty,
    filledAvgPrice: averageFillPrice(order),
    limitPrice: order.limitPrice,
    stopPrice: order.stopPrice,
    trailPercent: order.trailPercent,
    trailPrice: order.trailPrice,
    status: order.status,
    extendedHours: order.extendedHours,
    createdAtMs: Math.floor(order.createdUs / 1000),
    updatedAtMs: Math.floor(order.updatedUs / 1000),
    updatedAtNs: nanosOf(order.updatedUs),
    replacedBy: order.replacedBy,
    replaces: order.replaces,
    orderClass: order.orderClass === 'simple' ? '' : order.orderClass,
  };
}

function settle<T>(result: ApiResult<T>, method: string, route: string, clientOrderId: string | null): T {
  if (result.ok) return result.value;
  throw rejected(result.error, method, route, clientOrderId);
}

function rejected(
  error: { readonly status: number; readonly code: number; readonly message: string },
  method: string,
  route: string,
  clientOrderId: string | null,
): VenueRejectedError {
  return new VenueRejectedError(error.status, error.code, error.message, { method, route, clientOrderId });
}
