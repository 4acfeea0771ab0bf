/**
 * The legs Alpaca creates for a bracket, oco or oto order (its order documentation,
 * https://docs.alpaca.markets/docs/orders-at-alpaca): a take-profit limit order and a stop-loss
 * stop order (stop_limit when it has a limit price), on the exit side, for the parent's
 * quantity and time in force. An oco order is itself the take-profit, so its one leg is the
 * stop-loss.
 */
import type { OrderSide } from '../../shared/domain/order.ts';
import { exitSide } from './order-class-rules.ts';
import type { SimOrderRequest } from './order-request.ts';
import type { PositionIntent } from './sim-order.ts';

type LegPrices = Pick<SimOrderRequest, 'type' | 'limitPrice' | 'stopPrice'>;

/** The requests of a parent's legs, take-profit first (the order Alpaca nests them in). */
export function legRequests(parent: SimOrderRequest): SimOrderRequest[] {
  if ((parent.orderClass ?? 'simple') === 'simple') return [];
  const leg = (prices: LegPrices): SimOrderRequest => ({
    symbol: parent.symbol,
    side: exitSide(parent),
    timeInForce: parent.timeInForce,
    qty: parent.qty,
    notional: null,
    trailPrice: null,
    trailPercent: null,
    extendedHours: false,
    clientOrderId: null,
    ...prices,
  });
  const legs: SimOrderRequest[] = [];
  if (parent.orderClass !== 'oco' && parent.takeProfit != null) {
    legs.push(leg({ type: 'limit', limitPrice: parent.takeProfit.limitPrice, stopPrice: null }));
  }
  if (parent.stopLoss != null) {
    const { stopPrice, limitPrice } = parent.stopLoss;
    legs.push(leg({ type: limitPrice === null ? 'stop' : 'stop_limit', limitPrice, stopPrice }));
  }
  return legs;
}

/** Exit legs close the position their entry opened (or, for oco, the one held). */
export function exitIntent(side: OrderSide): PositionIntent {
  return side === 'sell' ? 'sell_to_close' : 'buy_to_close';
}
