/**
 * Alpaca's rules for bracket, oco and oto orders, as its order documentation states them
 * (https://docs.alpaca.markets/docs/orders-at-alpaca, "Bracket Orders", "OCO Orders", "OTO
 * Orders", "Threshold on stop price of stop-loss orders"): the rules a request's own fields
 * decide (at parsing) and the ones that need the position and the market (at admission).
 */
import { type Fixed, formatFixed, SCALE } from '../../shared/domain/fixed.ts';
import type { OrderSide } from '../../shared/domain/order.ts';
import { type ApiError, apiErrors } from './api-error.ts';
import type { SimOrderRequest } from './order-request.ts';

/** The least distance between a stop-loss and its base price: $0.01. */
const CENT = (SCALE / 100n) as Fixed;

/** The side of an order's exit legs: an oco order is its own exit; other classes exit the other way. */
export function exitSide(request: Pick<SimOrderRequest, 'orderClass' | 'side'>): OrderSide {
  if (request.orderClass === 'oco') return request.side;
  return request.side === 'buy' ? 'sell' : 'buy';
}

/** What is wrong with a request's class fields, judged on the request alone. */
export function orderClassProblem(request: SimOrderRequest): ApiError | undefined {
  const { orderClass = 'simple', takeProfit = null, stopLoss = null } = request;
  if (orderClass === 'simple') {
    return takeProfit === null && stopLoss === null
      ? undefined
      : apiErrors.invalid('take_profit and stop_loss only apply to bracket, oco and oto orders');
  }
  if (orderClass === 'oto' && (takeProfit === null) === (stopLoss === null)) {
    return apiErrors.invalid('oto orders require exactly one of take_profit or stop_loss');
  }
  if ((orderClass !== 'oto' || takeProfit !== null) && takeProfit?.limitPrice == null) {
    return apiErrors.invalid(`${orderClass} orders require take_profit.limit_price`);
  }
  if ((orderClass !== 'oto' || stopLoss !== null) && stopLoss?.stopPrice == null) {
    return apiErrors.invalid(`${orderClass} orders require stop_loss.stop_price`);
  }
  if (
    orderClass === 'oco' ? request.type !== 'limit' : request.type !== 'market' && request.type !== 'limit'
  ) {
    return apiErrors.invalid(
      orderClass === 'oco'
        ? 'oco orders must be limit orders (the take-profit leg)'
        : `${orderClass} orders must be market or limit orders`,
    );
  }
  if (request.timeInForce !== 'day' && request.timeInForce !== 'gtc') {
    return apiErrors.unprocessable(`${orderClass} orders must have time_in_force day or gtc`);
  }
  if (request.extendedHours) {
    return apiErrors.unprocessable(`extended hours are not supported for ${orderClass} orders`);
  }
  if (request.notional !== null || (request.qty !== null && request.qty % SCALE !== 0n)) {
    return apiErrors.unprocessable('fractional orders must be simple orders');
  }
  const takeProfitLimit = takeProfit?.limitPrice ?? null;
  const stop = stopLoss?.stopPrice ?? null;
  const sellsOut = exitSide(request) === 'sell';
  if (
    takeProfitLimit !== null &&
    stop !== null &&
    (sellsOut ? takeProfitLimit <= stop : takeProfitLimit >= stop)
  ) {
    return apiErrors.unprocessable(
      `take_profit.limit_price must be ${sellsOut ? 'greater' : 'less'} than stop_loss.stop_price ` +
        `for a ${request.side} ${orderClass} order`,
    );
  }
  // The base price a stop-loss keeps its distance from: the take-profit of an oco order, the
  // entry's limit for a limit entry. The market price is the other base (stopBaseProblem).
  const base = orderClass === 'oco' ? takeProfitLimit : request.limitPrice;
  return base === null ? undefined : stopBaseProblem(request, base);
}

/** A stop-loss closer than $0.01 to a base price (on the side it triggers from) is refused. */
export function stopBaseProblem(request: SimOrderRequest, base: Fixed): ApiError | undefined {
  const stop = request.stopLoss?.stopPrice ?? null;
  if (stop === null) return undefined;
  const sellsOut = exitSide(request) === 'sell';
  if (sellsOut ? stop <= base - CENT : stop >= base + CENT) return undefined;
  return apiErrors.unprocessable(
    `stop_loss.stop_price must be ${sellsOut ? '<= base_price - 0.01' : '>= base_price + 0.01'}`,
    { base_price: formatFixed(base) },
  );
}

export interface OrderClassContext {
  /** The order reduces the position it trades (a sell of a long, a buy of a short). */
  readonly closing: boolean;
  readonly crypto: boolean;
  /** The symbol's current price, when it has one. */
  readonly marketPrice: Fixed | undefined;
}

/** What is wrong with a bracket, oco or oto order given the account and the market. */
export function orderClassStateProblem(
  request: SimOrderRequest,
  context: OrderClassContext,
): ApiError | undefined {
  const { orderClass = 'simple' } = request;
  if (orderClass === 'simple') return undefined;
  if (context.crypto) return apiErrors.unprocessable(`${orderClass} orders are not supported for crypto`);
  if (orderClass === 'oco' && !context.closing) {
    return apiErrors.unprocessable(
      `oco orders must be exit orders: there is no ${request.side === 'sell' ? 'long' : 'short'} position to close`,
    );
  }
  if (orderClass !== 'oco' && context.closing) {
    return apiErrors.unprocessable(`${orderClass} orders must be entry orders`);
  }
  return context.marketPrice === undefined ? undefined : stopBaseProblem(request, context.marketPrice);
}
