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
import { parseFixed, ZERO } from '../shared/domain/fixed.ts';
import type { ManualClock } from '../shared/time/clock.ts';
import type { MarketDataFeed, MarketDataHistory } from '../shared/venue/market-data-feed.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import { VenueRejectedError } from '../shared/venue/venue-errors.ts';
import type {
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
  VenueOrder,
  VenueOrderEvent,
  VenuePosition,
} from '../shared/venue/venue-types.ts';
import { ClosedDates } from './closed-dates.ts';
import type { SimContext } from './context.ts';
import {
  type InProcessFeedOptions,
  InProcessMarketDataFeed,
  InProcessMarketDataHistory,
} from './in-process-market-data.ts';
import { createMarket, type SimMarket } from './market/market.ts';
import type { ApiResult } from './trading/api-error.ts';
import { averageFillPrice } from './trading/fill-model.ts';
import type { MatchingEngine } from './trading/matching-engine.ts';
import { orderRequestProblem, type SimOrderRequest } from './trading/order-request.ts';
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
  });
  // CTS 2 / UTP H: halted; any other status lets the symbol's orders trade again.
  market.onStatus((status) =>
    core.engine.setHalted(status.symbol, status.statusCode === 'H' || status.statusCode === '2'),
  );
  const feeds: InProcessMarketDataFeed[] = [];
  return {
    venue: new SimulatedVenue(core, clock),
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

  constructor(core: VenueCore, clock: ManualClock) {
    this.#core = core;
    this.#clock = clock;
  }

  async submitOrder(request: OrderRequest): Promise<VenueOrder> {
    const simRequest = toSimRequest(request);
    const problem = orderRequestProblem(simRequest);
    if (problem !== undefined) throw rejected(problem, 'POST', '/v2/orders', request.clientOrderId);
    return venueOrder(
      settle(this.#core.engine.submit(simRequest), 'POST', '/v2/orders', request.clientOrderId),
    );
  }

  async cancelOrder(orderId: string): Promise<void> {
    settle(this.#core.engine.cancel(orderId), 'DELETE', `/v2/orders/${orderId}`, null);
  }

  async replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder> {
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
    const order = this.#core.engine.getOrder(orderId);
    return order === undefined ? null : venueOrder(order);
  }

  async getOrderByClientOrderId(clientOrderId: string): Promise<VenueOrder | null> {
    const order = this.#core.engine.getOrderByClientId(clientOrderId);
    return order === undefined ? null : venueOrder(order);
  }

  async listOrders(query: ListOrdersQuery = {}): Promise<VenueOrder[]> {
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
    return positionListSchema.parse(this.#core.account.positions());
  }

  async getAccount(): Promise<Account> {
    return accountSchema.parse(this.#core.account.account());
  }

  async getClock(): Promise<MarketClock> {
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
    return this.#core.session.calendar(start, end).map(({ date, open, close }) => ({ date, open, close }));
  }

  onOrderEvent(listener: (event: VenueOrderEvent) => void): () => void {
    return this.#core.engine.onEvent((event) => {
      const timestampMs = Math.floor(event.timestampUs / 1000);
      const execution = event.execution;
      listener({
        event: event.event,
        order: venueOrder(event.order),
        timestampMs,
        timestampNs: BigInt(event.timestampUs) * 1000n,
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
      });
    });
  }
}

function toSimRequest(request: OrderRequest): SimOrderRequest {
  return {
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    timeInForce: request.timeInForce,
    qty: request.qty,
    notional: null,
    limitPrice: request.limitPrice ?? null,
    stopPrice: request.stopPrice ?? null,
    trailPrice: request.trailPrice ?? null,
    trailPercent: request.trailPercent ?? null,
    extendedHours: request.extendedHours ?? false,
    clientOrderId: request.clientOrderId,
    orderClass: request.orderClass ?? 'simple',
    takeProfit: request.takeProfit === undefined ? null : { limitPrice: request.takeProfit.limitPrice },
    stopLoss:
      request.stopLoss === undefined
        ? null
        : { stopPrice: request.stopLoss.stopPrice, limitPrice: request.stopLoss.limitPrice ?? null },
  };
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
    updatedAtNs: BigInt(order.updatedUs) * 1000n,
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
