/**
 * Validation of POST /v2/orders and PATCH /v2/orders/{id} bodies
 * (https://docs.alpaca.markets/reference/postorder,
 * https://docs.alpaca.markets/reference/patchorderbyorderid-1), as far as it needs no account
 * state. Clients differ: decimals arrive as JSON numbers or strings, and absent, null and "" all
 * mean "not given". Every refusal names the field.
 */
import { type Fixed, fixedFromNumber, tryParseFixed } from '../../shared/domain/fixed.ts';
import {
  ORDER_SIDES,
  ORDER_TYPES,
  type OrderSide,
  type OrderType,
  TIME_IN_FORCE,
  type TimeInForce,
} from '../../shared/domain/order.ts';
import { type ApiError, type ApiResult, apiErrors, fail, ok } from './api-error.ts';
import { orderClassProblem } from './order-class-rules.ts';
import { ORDER_CLASSES, type OrderClass } from './sim-order.ts';

export const MAX_CLIENT_ORDER_ID_LENGTH = 128;

export interface SimOrderRequest {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly qty: Fixed | null;
  readonly notional: Fixed | null;
  readonly limitPrice: Fixed | null;
  readonly stopPrice: Fixed | null;
  readonly trailPrice: Fixed | null;
  readonly trailPercent: Fixed | null;
  readonly extendedHours: boolean;
  readonly clientOrderId: string | null;
  /** Absent (simple) on the orders the simulator builds itself, such as position closes. */
  readonly orderClass?: OrderClass;
  /** The take-profit leg of a bracket, oco or oto order. */
  readonly takeProfit?: { readonly limitPrice: Fixed | null } | null;
  /** The stop-loss leg: a stop order, or a stop_limit one when it has a limit price. */
  readonly stopLoss?: { readonly stopPrice: Fixed | null; readonly limitPrice: Fixed | null } | null;
}

export interface SimReplaceRequest {
  readonly qty: Fixed | null;
  readonly timeInForce: TimeInForce | null;
  readonly limitPrice: Fixed | null;
  readonly stopPrice: Fixed | null;
  readonly trail: Fixed | null;
  readonly clientOrderId: string | null;
}

type Body = Record<string, unknown>;

function given(body: Body, field: string): boolean {
  const value = body[field];
  return value !== undefined && value !== null && value !== '';
}

/** A positive decimal field, number or string; null when not given. `name` is what errors call it. */
function decimalField(body: Body, field: string, name = field): ApiResult<Fixed | null> {
  if (!given(body, field)) return ok(null);
  const value = body[field];
  let parsed: Fixed | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) parsed = fixedFromNumber(value);
  else if (typeof value === 'string') parsed = tryParseFixed(value.trim());
  if (parsed === undefined) {
    return fail(apiErrors.invalid(`${name} must be a decimal number with at most 9 decimals`));
  }
  if (parsed <= 0n) return fail(apiErrors.invalid(`${name} must be greater than 0`));
  if (parsed >= MAX_DECIMAL) return fail(apiErrors.invalid(`${name} must be less than 1e15`));
  return ok(parsed);
}

/**
 * Alpaca answers a quantity or price of absurd size (1e308) with a 422, not an order. Where it
 * draws the line is not documented; 1e15 is far beyond any real quantity, price or notional, and
 * keeps every value the venue holds within float64's exact integers once scaled for display.
 */
const MAX_DECIMAL = (10n ** 15n * 1_000_000_000n) as Fixed;

/** A nested object of decimal fields (take_profit, stop_loss); null when not given. */
function legField<F extends string>(
  body: Body,
  field: string,
  decimals: readonly F[],
): ApiResult<Record<F, Fixed | null> | null> {
  if (!given(body, field)) return ok(null);
  const nested = body[field];
  if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) {
    return fail(apiErrors.invalid(`${field} must be an object with ${decimals.join(', ')}`));
  }
  const values = {} as Record<F, Fixed | null>;
  for (const name of decimals) {
    const parsed = decimalField(nested as Body, name, `${field}.${name}`);
    if (!parsed.ok) return parsed;
    values[name] = parsed.value;
  }
  return ok(values);
}

function orderClassField(body: Body): ApiResult<OrderClass> {
  if (body.order_class === 'mleg') {
    return fail(
      apiErrors.unprocessable('order_class "mleg" is for options, which the simulator does not trade'),
    );
  }
  const orderClass = enumField(body, 'order_class', ORDER_CLASSES);
  return orderClass.ok ? ok(orderClass.value ?? 'simple') : orderClass;
}

function enumField<T extends string>(body: Body, field: string, allowed: readonly T[]): ApiResult<T | null> {
  if (!given(body, field)) return ok(null);
  const value = body[field];
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return ok(value as T);
  return fail(
    apiErrors.invalid(`invalid ${field} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`),
  );
}

function clientOrderIdField(body: Body): ApiResult<string | null> {
  if (!given(body, 'client_order_id')) return ok(null);
  const value = body.client_order_id;
  if (typeof value !== 'string') return fail(apiErrors.invalid('client_order_id must be a string'));
  if (value.length > MAX_CLIENT_ORDER_ID_LENGTH) {
    return fail(
      apiErrors.invalid(`client_order_id must be at most ${MAX_CLIENT_ORDER_ID_LENGTH} characters`),
    );
  }
  return ok(value);
}

function asBody(body: unknown): ApiResult<Body> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(apiErrors.malformedBody());
  }
  return ok(body as Body);
}

/** A cent and a hundredth of a cent in Fixed units (1e-9): 2 and 4 decimals. */
const CENT = 10_000_000n;
const HUNDREDTH_CENT = 100_000n;

/** Reg NMS: prices at or above $1 in cents, below $1 in 1/100 cent. Crypto is exempt. */
export function subPennyError(field: string, price: Fixed): string | undefined {
  if (price % (price >= 1_000_000_000n ? CENT : HUNDREDTH_CENT) === 0n) return undefined;
  return `invalid ${field}. sub-penny increment does not fulfill minimum pricing criteria`;
}

export function parseOrderRequest(raw: unknown): ApiResult<SimOrderRequest> {
  const parsedBody = asBody(raw);
  if (!parsedBody.ok) return parsedBody;
  const body = parsedBody.value;

  if (!given(body, 'symbol') || typeof body.symbol !== 'string') {
    return fail(apiErrors.invalid('symbol is required'));
  }
  const side = enumField(body, 'side', ORDER_SIDES);
  if (!side.ok) return side;
  if (side.value === null) return fail(apiErrors.invalid('side is required'));
  const type = enumField(body, 'type', ORDER_TYPES);
  if (!type.ok) return type;
  if (type.value === null) return fail(apiErrors.invalid('type is required'));
  const timeInForce = enumField(body, 'time_in_force', TIME_IN_FORCE);
  if (!timeInForce.ok) return timeInForce;
  if (timeInForce.value === null) return fail(apiErrors.invalid('time_in_force is required'));

  const decimals: Record<string, Fixed | null> = {};
  for (const field of ['qty', 'notional', 'limit_price', 'stop_price', 'trail_price', 'trail_percent']) {
    const parsed = decimalField(body, field);
    if (!parsed.ok) return parsed;
    decimals[field] = parsed.value;
  }
  const clientOrderId = clientOrderIdField(body);
  if (!clientOrderId.ok) return clientOrderId;
  if (given(body, 'extended_hours') && typeof body.extended_hours !== 'boolean') {
    return fail(apiErrors.invalid('extended_hours must be a boolean'));
  }
  const orderClass = orderClassField(body);
  if (!orderClass.ok) return orderClass;
  const takeProfit = legField(body, 'take_profit', ['limit_price']);
  if (!takeProfit.ok) return takeProfit;
  const stopLoss = legField(body, 'stop_loss', ['stop_price', 'limit_price']);
  if (!stopLoss.ok) return stopLoss;
  const limitPrice = ocoLimitPrice(
    orderClass.value,
    decimals.limit_price ?? null,
    takeProfit.value === null ? null : takeProfit.value.limit_price,
  );
  if (!limitPrice.ok) return limitPrice;

  const request: SimOrderRequest = {
    symbol: body.symbol,
    side: side.value,
    type: type.value,
    timeInForce: timeInForce.value,
    qty: decimals.qty!,
    notional: decimals.notional!,
    limitPrice: limitPrice.value,
    stopPrice: decimals.stop_price!,
    trailPrice: decimals.trail_price!,
    trailPercent: decimals.trail_percent!,
    extendedHours: body.extended_hours === true,
    clientOrderId: clientOrderId.value,
    orderClass: orderClass.value,
    takeProfit: takeProfit.value === null ? null : { limitPrice: takeProfit.value.limit_price },
    stopLoss:
      stopLoss.value === null
        ? null
        : { stopPrice: stopLoss.value.stop_price, limitPrice: stopLoss.value.limit_price },
  };
  const problem = orderRequestProblem(request);
  return problem === undefined ? ok(request) : fail(problem);
}

/**
 * An oco order's own limit is its take-profit's: Alpaca's example sends only take_profit. A
 * limit_price given as well must be the same.
 */
export function ocoLimitPrice(
  orderClass: OrderClass | undefined,
  limitPrice: Fixed | null,
  takeProfitLimit: Fixed | null,
): ApiResult<Fixed | null> {
  if (orderClass !== 'oco' || takeProfitLimit === null) return ok(limitPrice);
  if (limitPrice !== null && limitPrice !== takeProfitLimit) {
    return fail(apiErrors.invalid('limit_price must equal take_profit.limit_price for oco orders'));
  }
  return ok(takeProfitLimit);
}

/** What Alpaca refuses in a typed request before it looks at the account: shape and order class. */
export function orderRequestProblem(request: SimOrderRequest): ApiError | undefined {
  return valueProblem(request) ?? orderClassProblem(request) ?? orderShapeProblem(request);
}

/**
 * The per-value rules parsing applies to a JSON body (decimals above zero, client_order_id's
 * length), for typed requests that never went through parsing (the in-process venue's).
 */
function valueProblem(request: SimOrderRequest): ApiError | undefined {
  const notPositive =
    nonPositive('qty', request.qty) ??
    nonPositive('notional', request.notional) ??
    nonPositive('limit_price', request.limitPrice) ??
    nonPositive('stop_price', request.stopPrice) ??
    nonPositive('trail_price', request.trailPrice) ??
    nonPositive('trail_percent', request.trailPercent) ??
    nonPositive('take_profit.limit_price', request.takeProfit?.limitPrice) ??
    nonPositive('stop_loss.stop_price', request.stopLoss?.stopPrice) ??
    nonPositive('stop_loss.limit_price', request.stopLoss?.limitPrice);
  if (notPositive !== undefined) return apiErrors.invalid(`${notPositive} must be greater than 0`);
  if (request.clientOrderId !== null && request.clientOrderId.length > MAX_CLIENT_ORDER_ID_LENGTH) {
    return apiErrors.invalid(`client_order_id must be at most ${MAX_CLIENT_ORDER_ID_LENGTH} characters`);
  }
  return undefined;
}

/** The field's name when it is given and not above zero. */
function nonPositive(name: string, value: Fixed | null | undefined): string | undefined {
  return value !== null && value !== undefined && value <= 0n ? name : undefined;
}

function orderShapeProblem(request: SimOrderRequest) {
  const { type, timeInForce } = request;
  if (request.qty !== null && request.notional !== null) {
    return apiErrors.invalid('qty and notional cannot both be specified');
  }
  if (request.qty === null && request.notional === null)
    return apiErrors.invalid('qty or notional is required');
  const needsLimit = type === 'limit' || type === 'stop_limit';
  const needsStop = type === 'stop' || type === 'stop_limit';
  if (needsLimit && request.limitPrice === null)
    return apiErrors.invalid(`limit_price is required for ${type} orders`);
  if (!needsLimit && request.limitPrice !== null) {
    return apiErrors.unprocessable(`limit_price must not be given for ${type} orders`);
  }
  if (needsStop && request.stopPrice === null)
    return apiErrors.invalid(`stop_price is required for ${type} orders`);
  if (!needsStop && request.stopPrice !== null) {
    return apiErrors.unprocessable(`stop_price must not be given for ${type} orders`);
  }
  if (type === 'trailing_stop') {
    if ((request.trailPrice === null) === (request.trailPercent === null)) {
      return apiErrors.invalid(
        'exactly one of trail_price or trail_percent is required for trailing_stop orders',
      );
    }
    if (request.trailPercent !== null && request.trailPercent >= 100_000_000_000n) {
      return apiErrors.invalid('trail_percent must be less than 100');
    }
    if (timeInForce !== 'day' && timeInForce !== 'gtc') {
      return apiErrors.unprocessable('trailing_stop orders must be day or gtc');
    }
  } else if (request.trailPrice !== null || request.trailPercent !== null) {
    return apiErrors.unprocessable(`trail_price and trail_percent only apply to trailing_stop orders`);
  }
  if (request.extendedHours && !(type === 'limit' && (timeInForce === 'day' || timeInForce === 'gtc'))) {
    return apiErrors.unprocessable(
      'extended hours orders must be limit orders with time_in_force day or gtc',
    );
  }
  if ((timeInForce === 'opg' || timeInForce === 'cls') && type !== 'market' && type !== 'limit') {
    return apiErrors.unprocessable(`${timeInForce} orders must be market or limit orders`);
  }
  // The time-in-force rule for notional (fractional) orders depends on the asset class: the engine checks it.
  if (request.notional !== null && type !== 'market')
    return apiErrors.unprocessable('notional orders must be market orders');
  return undefined;
}

export function parseReplaceRequest(raw: unknown): ApiResult<SimReplaceRequest> {
  const parsedBody = asBody(raw);
  if (!parsedBody.ok) return parsedBody;
  const body = parsedBody.value;
  const decimals: Record<string, Fixed | null> = {};
  for (const field of ['qty', 'limit_price', 'stop_price', 'trail']) {
    const parsed = decimalField(body, field);
    if (!parsed.ok) return parsed;
    decimals[field] = parsed.value;
  }
  const timeInForce = enumField(body, 'time_in_force', TIME_IN_FORCE);
  if (!timeInForce.ok) return timeInForce;
  const clientOrderId = clientOrderIdField(body);
  if (!clientOrderId.ok) return clientOrderId;
  const request: SimReplaceRequest = {
    qty: decimals.qty!,
    timeInForce: timeInForce.value,
    limitPrice: decimals.limit_price!,
    stopPrice: decimals.stop_price!,
    trail: decimals.trail!,
    clientOrderId: clientOrderId.value,
  };
  if (Object.values(request).every((value) => value === null)) {
    return fail(
      apiErrors.invalid('at least one of qty, time_in_force, limit_price, stop_price, trail is required'),
    );
  }
  return ok(request);
}
