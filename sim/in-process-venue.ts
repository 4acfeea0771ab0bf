/**
 * The simulator as a venue in the caller's own process: the venue port (shared/venue) over the
 * matching engine, account and fill model that the HTTP simulator serves, on a virtual clock the
 * caller moves (`advanceTo`). No sockets and no JSON on the order path: requests go in as typed
 * values and orders come out mapped field by field. Backtests, the deterministic harness and fast
 * engine tests run the execution core against it; the venue contract suite holds it to the same
 * behaviour as the Alpaca adapter talking to the HTTP simulator.
 *
 * The market-data side of the port comes with it (sim/in-process-market-data.ts): `openFeed` hands
 * the same market's events to a MarketDataListener as domain messages, `history` serves gap
 * backfill from the market's recorded bars and trades.
 *
 * Account and positions (off the order path) are rendered as the HTTP simulator renders them and
 * read back with the Alpaca adapter's schemas, so both venues answer them identically.
 */
import { slippageModelSchema } from '../shared/broker/alpaca/slippage-model.ts';
import { accountSchema, positionListSchema } from '../shared/broker/alpaca/trading-client-wire.ts';
import type { Account } from '../shared/domain/account.ts';
import { type Fixed, parseFixed, ZERO } from '../shared/domain/fixed.ts';
import type { ManualClock } from '../shared/time/clock.ts';
import type { ConnectionState } from '../shared/venue/connection-state.ts';
import type { MarketDataFeed, MarketDataHistory } from '../shared/venue/market-data-feed.ts';
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
import { ClosedDates } from './closed-dates.ts';
import type { SimContext } from './context.ts';
import { RateLimiter } from './http/rate-limiter.ts';
import {
  type InProcessFeedOptions,
  InProcessMarketDataFeed,
  InProcessMarketDataHistory,
} from './in-process-market-data.ts';
import { createMarket, type SimMarket } from './market/market.ts';
import { type ApiResult, apiErrors } from './trading/api-error.ts';
import { averageFillPrice } from './trading/fill-model.ts';
import type { ExecutionReport, MatchingEngine, SimTradeUpdateEvent } from './trading/matching-engine.ts';
import { ocoLimitPrice, orderRequestProblem, type SimOrderRequest } from './trading/order-request.ts';
import type { SimOrder } from './trading/sim-order.ts';
import { TaskScheduler } from './trading/task-scheduler.ts';
import { createVenueCore, type VenueCore } from './trading/venue-core.ts';
import { advanceVirtualTime } from './virtual-time.ts';

export interface InProcessVenueOptions {
  readonly clock: ManualClock;
  readonly symbols: readonly string[];
  readonly seed?: number;
  /** 'scripted' (default): prices move only by setQuote; 'generated': the seeded market. */
  readonly market?: 'scripted' | 'generated';
  readonly sessionHours?: 'always' | 'nyse';
  readonly latencyMs?: number;
  readonly startingCash?: string;
  /**
   * Closed orders the venue keeps known (getOrder, listOrders, client_order_id uniqueness);
   * older ones are forgotten. Default: all, as Alpaca keeps them; a long backtest bounds it.
   */
  readonly closedOrderLimit?: number;
  /**
   * Requests per minute the venue answers, every port call but onOrderEvent counting, as the
   * HTTP simulator counts trading REST requests per key (the same limiter); beyond it a call
   * throws VenueRateLimitedError with the window's reset. Default: no limit.
   */
  readonly rateLimitPerMinute?: number;
}

export interface InProcessVenue {
  readonly venue: TradingVenue;
  readonly market: SimMarket;
  readonly engine: MatchingEngine;
  /**
   * A market-data feed (the port's MarketDataFeed) of this venue's market: started, it delivers
   * the subscribed symbols' events to the listener as they happen, on the virtual clock.
   */
  openFeed(options: InProcessFeedOptions): MarketDataFeed;
  /** Gap backfill (the port's MarketDataHistory) from the market's recorded bars and trades. */
  readonly history: MarketDataHistory;
  /** Runs the market and every scheduled effect (latency, expiries) up to this instant. */
  advanceTo(epochMs: number): void;
  /** Stops the market, the scheduled work and every feed opened here. */
  close(): void;
}

const NO_LIMIT = 500;
/** The quota's key: the in-process venue has one account and no keys. */
const LIMITER_KEY = 'in-process';

export function createInProcessVenue(options: InProcessVenueOptions): InProcessVenue {
  const { clock } = options;
  const context: SimContext = {
    clock,
    seed: options.seed ?? 1,
    symbols: options.symbols,
    messagesPerSecond: 1000,
    credentials: { keyId: 'in-process', secretKey: 'in-process' },
    sessionHours: options.sessionHours ?? 'always',
  };
  const closedDates = new ClosedDates([]);
  const market = createMarket(context, { generate: options.market === 'generated', closedDates });
  const scheduler = new TaskScheduler(clock, false);
  const core = createVenueCore({
    context,
    quotes: market,
    scheduler,
    latencyMs: options.latencyMs ?? 0,
    slippage: slippageModelSchema.parse({}),
    startingCash: parseFixed(options.startingCash ?? '100000'),
    closedDates,
    ...(options.closedOrderLimit === undefined ? {} : { closedOrderLimit: options.closedOrderLimit }),
  });
  // CTS 2 / UTP H: halted; any other status lets the symbol's orders trade again.
  market.onStatus((status) =>
    core.engine.setHalted(status.symbol, status.statusCode === 'H' || status.statusCode === '2'),
  );
  const feeds: InProcessMarketDataFeed[] = [];
  return {
    venue: new SimulatedVenue(
      core,
      clock,
      options.rateLimitPerMinute === undefined ? null : new RateLimiter(clock, options.rateLimitPerMinute),
    ),
    market,
    engine: core.engine,
    openFeed(feedOptions) {
      const feed = new InProcessMarketDataFeed(market, clock, feedOptions);
      feeds.push(feed);
      return feed;
    },
    history: new InProcessMarketDataHistory(market),
    advanceTo: (epochMs) => advanceVirtualTime(clock, scheduler, market, epochMs),
    close() {
      for (const feed of feeds.splice(0)) void feed.stop();
      market.stop();
      scheduler.close();
      core.engine.close();
    },
  };
}

class SimulatedVenue implements TradingVenue {
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
