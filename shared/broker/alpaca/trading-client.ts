/**
 * Alpaca's trading REST API v2 over undici with keep-alive connections. One method per endpoint;
 * every body is validated and mapped to domain values; every failure is a typed error from
 * trading-client-errors.ts. No retries here: whether a call may be repeated depends on what it
 * does (an order POST must not be), so that policy belongs to the caller (the order router).
 */
import { Agent, type Dispatcher, request } from 'undici';
import { z } from 'zod';
import type { Account } from '../../domain/account.ts';
import { type Fixed, formatFixed } from '../../domain/fixed.ts';
import type { DeliveryOutcome } from '../../venue/venue-errors.ts';
import type {
  BulkItemResult,
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
  VenueOrder,
  VenuePosition,
  VenueQuota,
} from '../../venue/venue-types.ts';
import { rateLimitSnapshot } from './rate-limit-headers.ts';
import {
  AlpacaApiError,
  AlpacaNetworkError,
  AlpacaRateLimitError,
  AlpacaResponseError,
  type RequestContext,
} from './trading-client-errors.ts';
import {
  accountSchema,
  calendarSchema,
  cancelAllResultSchema,
  clockSchema,
  closeAllResultSchema,
  describeIssues,
  orderListSchema,
  orderSchema,
  positionListSchema,
  positionSchema,
} from './trading-client-wire.ts';

export interface TradingCredentials {
  readonly keyId: string;
  readonly secretKey: string;
}

export interface TradingClientOptions {
  /** e.g. https://paper-api.alpaca.markets or the simulator's http://127.0.0.1:8181 */
  readonly baseUrl: string;
  readonly credentials: TradingCredentials;
  /** Defaults to a keep-alive Agent owned (and closed) by the client; tests pass a MockAgent. */
  readonly dispatcher?: Dispatcher;
  /** Time allowed for the response headers, and separately for the body (default 10 s each). */
  readonly timeoutMs?: number;
  /** Called with the X-RateLimit-* headers of every answer that has them. */
  readonly onRateLimitHeaders?: (snapshot: VenueQuota) => void;
}

/** Lenient on purpose: a 5xx from a proxy may carry any body, and its message still helps. */
const errorBodySchema = z.object({ code: z.number().int().optional(), message: z.string().optional() });

/** Connection failures that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.name : 'UNKNOWN';
}

function decimalText(value: Fixed | undefined): string | undefined {
  return value === undefined ? undefined : formatFixed(value);
}

export function orderRequestBody(order: OrderRequest): Record<string, unknown> {
  return {
    symbol: order.symbol,
    qty: formatFixed(order.qty),
    side: order.side,
    type: order.type,
    time_in_force: order.timeInForce,
    client_order_id: order.clientOrderId,
    limit_price: decimalText(order.limitPrice),
    stop_price: decimalText(order.stopPrice),
    trail_price: decimalText(order.trailPrice),
    trail_percent: decimalText(order.trailPercent),
    extended_hours: order.extendedHours,
    order_class: order.orderClass,
    take_profit:
      order.takeProfit === undefined ? undefined : { limit_price: formatFixed(order.takeProfit.limitPrice) },
    stop_loss:
      order.stopLoss === undefined
        ? undefined
        : {
            stop_price: formatFixed(order.stopLoss.stopPrice),
            limit_price: decimalText(order.stopLoss.limitPrice),
          },
  };
}

function replaceRequestBody(changes: ReplaceRequest): Record<string, unknown> {
  return {
    qty: decimalText(changes.qty),
    time_in_force: changes.timeInForce,
    limit_price: decimalText(changes.limitPrice),
    stop_price: decimalText(changes.stopPrice),
    trail: decimalText(changes.trail),
    client_order_id: changes.clientOrderId,
  };
}

interface Call {
  readonly method: Dispatcher.HttpMethod;
  readonly route: string;
  readonly query?: Record<string, string | undefined>;
  readonly body?: Record<string, unknown>;
  readonly clientOrderId?: string;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly context: RequestContext;
}

export class AlpacaTradingClient {
  readonly #origin: string;
  readonly #basePath: string;
  readonly #authHeaders: Record<string, string>;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;
  readonly #onRateLimitHeaders: ((snapshot: VenueQuota) => void) | undefined;

  constructor(options: TradingClientOptions) {
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.#authHeaders = {
      'apca-api-key-id': options.credentials.keyId,
      'apca-api-secret-key': options.credentials.secretKey,
    };
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 16 });
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#onRateLimitHeaders = options.onRateLimitHeaders;
  }

  async getAccount(): Promise<Account> {
    return this.#parse(await this.#call({ method: 'GET', route: '/v2/account' }), accountSchema);
  }

  async submitOrder(order: OrderRequest): Promise<VenueOrder> {
    const answer = await this.#call({
      method: 'POST',
      route: '/v2/orders',
      body: orderRequestBody(order),
      clientOrderId: order.clientOrderId,
    });
    return this.#parse(answer, orderSchema);
  }

  async getOrder(orderId: string): Promise<VenueOrder | null> {
    const answer = await this.#call(
      { method: 'GET', route: `/v2/orders/${encodeURIComponent(orderId)}` },
      [404],
    );
    return answer.status === 404 ? null : this.#parse(answer, orderSchema);
  }

  /** The order placed with this client_order_id, or null when Alpaca has none. */
  async getOrderByClientOrderId(clientOrderId: string): Promise<VenueOrder | null> {
    const answer = await this.#call(
      {
        method: 'GET',
        route: '/v2/orders:by_client_order_id',
        query: { client_order_id: clientOrderId },
        clientOrderId,
      },
      [404],
    );
    return answer.status === 404 ? null : this.#parse(answer, orderSchema);
  }

  async listOrders(query: ListOrdersQuery = {}): Promise<VenueOrder[]> {
    const answer = await this.#call({
      method: 'GET',
      route: '/v2/orders',
      query: {
        status: query.status,
        limit: query.limit === undefined ? undefined : String(query.limit),
        after: query.afterMs === undefined ? undefined : new Date(query.afterMs).toISOString(),
        until: query.untilMs === undefined ? undefined : new Date(query.untilMs).toISOString(),
        direction: query.direction,
        symbols: query.symbols?.join(','),
      },
    });
    return this.#parse(answer, orderListSchema);
  }

  /** Requests a cancel (204). A 404 or 422 (already filled or canceled) is an AlpacaApiError. */
  async cancelOrder(orderId: string): Promise<void> {
    await this.#call({ method: 'DELETE', route: `/v2/orders/${encodeURIComponent(orderId)}` });
  }

  async cancelAllOrders(): Promise<BulkItemResult[]> {
    return this.#parse(await this.#call({ method: 'DELETE', route: '/v2/orders' }), cancelAllResultSchema);
  }

  /** PATCH: Alpaca answers with the new order (new id, `replaces` = the old id). */
  async replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder> {
    const answer = await this.#call({
      method: 'PATCH',
      route: `/v2/orders/${encodeURIComponent(orderId)}`,
      body: replaceRequestBody(changes),
      ...(changes.clientOrderId === undefined ? {} : { clientOrderId: changes.clientOrderId }),
    });
    return this.#parse(answer, orderSchema);
  }

  async listPositions(): Promise<VenuePosition[]> {
    return this.#parse(await this.#call({ method: 'GET', route: '/v2/positions' }), positionListSchema);
  }

  async getPosition(symbol: string): Promise<VenuePosition | null> {
    const answer = await this.#call(
      { method: 'GET', route: `/v2/positions/${encodeURIComponent(symbol)}` },
      [404],
    );
    return answer.status === 404 ? null : this.#parse(answer, positionSchema);
  }

  /** Closes all of a position, or `qty` shares, or `percentage` (0–100) of it. */
  async closePosition(symbol: string, amount: { qty?: Fixed; percentage?: Fixed } = {}): Promise<VenueOrder> {
    const answer = await this.#call({
      method: 'DELETE',
      route: `/v2/positions/${encodeURIComponent(symbol)}`,
      query: { qty: decimalText(amount.qty), percentage: decimalText(amount.percentage) },
    });
    return this.#parse(answer, orderSchema);
  }

  async closeAllPositions(cancelOrders: boolean): Promise<BulkItemResult[]> {
    const answer = await this.#call({
      method: 'DELETE',
      route: '/v2/positions',
      query: { cancel_orders: String(cancelOrders) },
    });
    return this.#parse(answer, closeAllResultSchema);
  }

  async getClock(): Promise<MarketClock> {
    return this.#parse(await this.#call({ method: 'GET', route: '/v2/clock' }), clockSchema);
  }

  /** Trading days in [start, end], dates as YYYY-MM-DD. */
  async getCalendar(start: string, end: string): Promise<CalendarDay[]> {
    const answer = await this.#call({ method: 'GET', route: '/v2/calendar', query: { start, end } });
    return this.#parse(answer, calendarSchema);
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  #parse<Output>(answer: Answer, schema: z.ZodType<Output>): Output {
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success)
      throw new AlpacaResponseError(answer.status, describeIssues(parsed.error), answer.context);
    return parsed.data;
  }

  /** Sends one request; statuses in `expected` (beyond 2xx) are answers rather than errors. */
  async #call(call: Call, expected: readonly number[] = []): Promise<Answer> {
    const context: RequestContext = {
      method: call.method,
      route: call.route,
      clientOrderId: call.clientOrderId ?? null,
    };
    let response: Dispatcher.ResponseData;
    let text: string;
    let sent = false;
    try {
      const headers: Record<string, string> = { ...this.#authHeaders, accept: 'application/json' };
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      response = await request(`${this.#origin}${this.#basePath}${call.route}${queryString(call.query)}`, {
        method: call.method,
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        dispatcher: this.#dispatcher,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      sent = true;
      text = await response.body.text();
    } catch (error) {
      const code = errorCode(error);
      const outcome: DeliveryOutcome = !sent && NOT_SENT_CODES.has(code) ? 'not_sent' : 'unknown';
      throw new AlpacaNetworkError(outcome, code, context, error);
    }
    const limits = rateLimitSnapshot(response.headers);
    if (limits !== null) this.#onRateLimitHeaders?.(limits);

    const status = response.statusCode;
    const body = parseJson(text);
    if ((status >= 200 && status < 300) || expected.includes(status)) return { status, body, context };

    const error = errorBodySchema.safeParse(body);
    const code = error.success ? (error.data.code ?? null) : null;
    const message = error.success && error.data.message !== undefined ? error.data.message : snippet(text);
    if (status === 429) throw new AlpacaRateLimitError(code, message, limits?.resetAtMs ?? null, context);
    throw new AlpacaApiError(status, code, message, context);
  }
}

function queryString(query: Record<string, string | undefined> | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '(empty body)';
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
}
