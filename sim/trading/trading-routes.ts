/**
 * The trading REST endpoints under /v2 (https://docs.alpaca.markets/docs/trading-api), as a
 * function from an authenticated request to a reply. Authentication, rate limiting and faults wrap
 * it in trading-service.ts.
 */
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { newYorkDate } from '../../shared/time/new-york-time.ts';
import type { SessionPhase } from '../../shared/time/nyse-calendar.ts';
import type { HttpReply } from '../http/http-io.ts';
import {
  boolParam,
  csvParam,
  dateParam,
  enumParam,
  intParam,
  optionalEnumParam,
  positiveDecimalParam,
  timeParam,
} from '../http/query.ts';
import type { AccountView } from './account-view.ts';
import { type ApiError, type ApiResult, apiErrors, errorBody } from './api-error.ts';
import type { AssetCatalog } from './asset-catalog.ts';
import type { MatchingEngine } from './matching-engine.ts';
import { parseOrderRequest, parseReplaceRequest } from './order-request.ts';
import type { SessionCalendar } from './session-calendar.ts';
import { rfc3339NewYork } from './trading-timestamps.ts';
import { renderAsset, renderOrder } from './wire.ts';

export interface TradingApi {
  readonly clock: Clock;
  readonly engine: MatchingEngine;
  readonly account: AccountView;
  readonly session: SessionCalendar;
  readonly assets: AssetCatalog;
}

export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

const CALENDAR_FIRST_DATE = '1970-01-01';
const CALENDAR_LAST_DATE = '2029-12-31';

function json(status: number, body: unknown): HttpReply {
  return { status, body };
}

function error(apiError: ApiError): HttpReply {
  return { status: apiError.status, body: errorBody(apiError) };
}

function unwrap<T>(result: ApiResult<T>, then: (value: T) => HttpReply): HttpReply {
  return result.ok ? then(result.value) : error(result.error);
}

/** True for the paths this API serves, so unknown paths fall through to the next service. */
export function isTradingPath(path: string): boolean {
  return (
    /^\/v2\/(account|orders|positions|clock|calendar|assets)(?:$|[/:])/.test(path) || path === V3_CLOCK_PATH
  );
}

/** The multi-market clock the official JS SDK 4 calls from clock(); the simulator has one market. */
const V3_CLOCK_PATH = '/v3/clock';

export function handleTradingRequest(api: TradingApi, request: RestRequest): HttpReply {
  const { method, path } = request;
  if (path === V3_CLOCK_PATH)
    return method === 'GET' ? marketClocks(api, request.query) : error(apiErrors.methodNotAllowed());
  let segments: string[];
  try {
    segments = path.split('/').slice(2).map(decodeURIComponent);
  } catch {
    return error(apiErrors.notFound('endpoint not found'));
  }
  const [resource, id, extra] = segments;
  if (extra !== undefined) return error(apiErrors.notFound('endpoint not found'));
  const only = (allowed: string, run: () => HttpReply) =>
    method === allowed ? run() : error(apiErrors.methodNotAllowed());

  switch (resource) {
    case 'account':
      if (id === 'configurations') return only('GET', () => json(200, accountConfigurations()));
      if (id !== undefined) return error(apiErrors.notFound('endpoint not found'));
      return only('GET', () => json(200, api.account.account()));
    case 'orders':
      return id === undefined ? orders(api, request) : order(api, request, id);
    case 'orders:by_client_order_id':
      return only('GET', () => byClientOrderId(api, request.query));
    case 'positions':
      return id === undefined ? positions(api, request) : position(api, request, id);
    case 'clock':
      return only('GET', () => clock(api));
    case 'calendar':
      return only('GET', () => calendar(api, request.query));
    case 'assets':
      return only('GET', () => (id === undefined ? assets(api, request.query) : asset(api, id)));
    default:
      return error(apiErrors.notFound('endpoint not found'));
  }
}

function orders(api: TradingApi, request: RestRequest): HttpReply {
  switch (request.method) {
    case 'POST':
      return unwrap(parseOrderRequest(request.body), (parsed) =>
        // As Alpaca answers, a new bracket, oco or oto parent carries its legs.
        unwrap(api.engine.submit(parsed), (created) => json(200, renderOrder(created, true))),
      );
    case 'GET':
      return listOrders(api, request.query);
    case 'DELETE':
      return json(
        207,
        api.engine.openOrders().flatMap((open) => {
          if (open.status === 'pending_cancel') return [];
          const result = api.engine.cancel(open.id);
          return [
            result.ok
              ? { id: open.id, status: 200, body: renderOrder(result.value) }
              : { id: open.id, status: result.error.status, body: errorBody(result.error) },
          ];
        }),
      );
    default:
      return error(apiErrors.methodNotAllowed());
  }
}

function listOrders(api: TradingApi, query: URLSearchParams): HttpReply {
  const status = enumParam(query, 'status', ['open', 'closed', 'all'] as const, 'open');
  const limit = intParam(query, 'limit', 1, 500, 50);
  const after = timeParam(query, 'after');
  const until = timeParam(query, 'until');
  const direction = enumParam(query, 'direction', ['asc', 'desc'] as const, 'desc');
  const side = optionalEnumParam(query, 'side', ['buy', 'sell'] as const);
  const nested = boolParam(query, 'nested');
  for (const parsed of [status, limit, after, until, direction, side, nested]) {
    if (!parsed.ok) return error(parsed.error);
  }
  const symbols = csvParam(query, 'symbols');
  const found = api.engine.listOrders({
    status: status.ok ? status.value : 'open',
    limit: limit.ok ? limit.value : 50,
    afterUs: after.ok ? after.value : null,
    untilUs: until.ok ? until.value : null,
    direction: direction.ok ? direction.value : 'desc',
    symbols:
      symbols === null ? null : new Set(symbols.map((symbol) => api.assets.find(symbol)?.symbol ?? symbol)),
    side: side.ok ? side.value : null,
    nested: nested.ok && nested.value,
  });
  return json(
    200,
    found.map((listed) => renderOrder(listed, nested.ok && nested.value)),
  );
}

function order(api: TradingApi, request: RestRequest, id: string): HttpReply {
  const nested = boolParam(request.query, 'nested');
  if (!nested.ok) return error(nested.error);
  switch (request.method) {
    case 'GET': {
      const found = api.engine.getOrder(id);
      return found === undefined
        ? error(apiErrors.notFound('order not found'))
        : json(200, renderOrder(found, nested.value));
    }
    case 'PATCH':
      return unwrap(parseReplaceRequest(request.body), (parsed) =>
        unwrap(api.engine.replace(id, parsed), (replacement) => json(200, renderOrder(replacement))),
      );
    case 'DELETE':
      return unwrap(api.engine.cancel(id), () => ({ status: 204 }));
    default:
      return error(apiErrors.methodNotAllowed());
  }
}

function byClientOrderId(api: TradingApi, query: URLSearchParams): HttpReply {
  const clientOrderId = query.get('client_order_id');
  if (clientOrderId === null || clientOrderId === '')
    return error(apiErrors.invalid('client_order_id is required'));
  const found = api.engine.getOrderByClientId(clientOrderId);
  return found === undefined ? error(apiErrors.notFound('order not found')) : json(200, renderOrder(found));
}

function positions(api: TradingApi, request: RestRequest): HttpReply {
  if (request.method === 'GET') return json(200, api.account.positions());
  if (request.method !== 'DELETE') return error(apiErrors.methodNotAllowed());
  const cancelOrders = boolParam(request.query, 'cancel_orders');
  if (!cancelOrders.ok) return error(cancelOrders.error);
  if (cancelOrders.value) {
    for (const open of api.engine.openOrders()) {
      if (open.status !== 'pending_cancel') api.engine.cancel(open.id);
    }
  }
  const symbols = api.account.positions().map((held) => held.symbol as string);
  return json(
    207,
    symbols.map((symbol) => {
      const result = api.engine.closePosition(symbol, { qty: null, percentage: null });
      return result.ok
        ? { symbol, status: 200, body: renderOrder(result.value) }
        : { symbol, status: result.error.status, body: errorBody(result.error) };
    }),
  );
}

function position(api: TradingApi, request: RestRequest, symbolOrId: string): HttpReply {
  if (request.method === 'GET') {
    const found = api.account.position(symbolOrId);
    return found === undefined ? error(apiErrors.notFound('position does not exist')) : json(200, found);
  }
  if (request.method !== 'DELETE') return error(apiErrors.methodNotAllowed());
  const qty = positiveDecimalParam(request.query, 'qty');
  const percentage = positiveDecimalParam(request.query, 'percentage');
  if (!qty.ok) return error(qty.error);
  if (!percentage.ok) return error(percentage.error);
  if (qty.value !== null && percentage.value !== null) {
    return error(apiErrors.invalid('only one of qty or percentage may be given'));
  }
  if (percentage.value !== null && percentage.value > (100_000_000_000n as Fixed)) {
    return error(apiErrors.invalid('percentage must be between 0 and 100'));
  }
  return unwrap(
    api.engine.closePosition(symbolOrId, { qty: qty.value, percentage: percentage.value }),
    (placed) => json(200, renderOrder(placed)),
  );
}

function clock(api: TradingApi): HttpReply {
  const now = api.clock.nowMs();
  return json(200, {
    timestamp: rfc3339NewYork(now),
    is_open: api.session.phase(now) === 'regular',
    next_open: rfc3339NewYork(api.session.nextOpenMs(now)),
    next_close: rfc3339NewYork(api.session.nextCloseMs(now)),
  });
}

const PHASES: Readonly<Record<SessionPhase, string>> = {
  closed: 'closed',
  pre_market: 'pre',
  regular: 'core',
  after_hours: 'post',
};

function marketClocks(api: TradingApi, query: URLSearchParams): HttpReply {
  const time = timeParam(query, 'time');
  if (!time.ok) return error(time.error);
  const markets = csvParam(query, 'markets');
  if (markets !== null && !markets.some((market) => market === 'NYSE' || market === 'XNYS')) {
    return json(200, { clocks: [] });
  }
  const now = time.value === null ? api.clock.nowMs() : Math.floor(time.value / 1000);
  const { session } = api;
  return json(200, {
    clocks: [
      {
        timestamp: rfc3339NewYork(now),
        is_market_day: session.isTradingDay(newYorkDate(now)),
        next_market_open: rfc3339NewYork(session.nextOpenMs(now)),
        next_market_close: rfc3339NewYork(session.nextCloseMs(now)),
        phase: PHASES[session.phase(now)],
        phase_until: rfc3339NewYork(session.nextPhaseChangeMs(now) ?? session.nextCloseMs(now)),
        market: {
          acronym: 'NYSE',
          name: 'New York Stock Exchange',
          timezone: 'America/New_York',
          mic: 'XNYS',
        },
      },
    ],
  });
}

function calendar(api: TradingApi, query: URLSearchParams): HttpReply {
  const start = dateParam(query, 'start');
  const end = dateParam(query, 'end');
  const dateType = enumParam(query, 'date_type', ['TRADING', 'SETTLEMENT'] as const, 'TRADING');
  if (!start.ok) return error(start.error);
  if (!end.ok) return error(end.error);
  if (!dateType.ok) return error(dateType.error);
  const from = start.value ?? CALENDAR_FIRST_DATE;
  const to = end.value ?? CALENDAR_LAST_DATE;
  if (from > to) return error(apiErrors.invalid('start must not be after end'));
  const days = api.session.calendar(from, to);
  if (dateType.value === 'SETTLEMENT')
    return json(
      200,
      days.filter((day) => day.settlement_date <= to),
    );
  return json(200, days);
}

function assets(api: TradingApi, query: URLSearchParams): HttpReply {
  const status = optionalEnumParam(query, 'status', ['active', 'inactive'] as const);
  if (!status.ok) return error(status.error);
  const classes = csvParam(query, 'asset_class') ?? ['us_equity'];
  const exchange = query.get('exchange');
  const attributes = csvParam(query, 'attributes');
  const found = api.assets.list().filter((candidate) => {
    if (status.value !== null && candidate.status !== status.value) return false;
    if (!classes.includes(candidate.class)) return false;
    if (exchange !== null && exchange !== '' && candidate.exchange !== exchange) return false;
    // No simulated asset carries attributes, so asking for any filters everything out.
    if (attributes !== null && attributes.length > 0) return false;
    return true;
  });
  return json(200, found.map(renderAsset));
}

function asset(api: TradingApi, symbolOrId: string): HttpReply {
  const found = api.assets.find(symbolOrId);
  return found === undefined
    ? error(apiErrors.notFound(`asset not found for ${symbolOrId}`))
    : json(200, renderAsset(found));
}

function accountConfigurations(): Record<string, unknown> {
  return {
    dtbp_check: 'entry',
    trade_confirm_email: 'none',
    suspend_trade: false,
    no_shorting: false,
    fractional_trading: true,
    max_margin_multiplier: '2',
    pdt_check: 'entry',
    ptp_no_exception_entry: false,
  };
}
