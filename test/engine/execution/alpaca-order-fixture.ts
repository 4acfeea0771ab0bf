import type {
  Execution,
  TradeUpdate,
  TradeUpdateEvent,
} from '../../../shared/broker/alpaca/trade-updates-client-types.ts';
import type { AlpacaOrder } from '../../../shared/broker/alpaca/trading-client-types.ts';
import { type Fixed, parseFixed } from '../../../shared/domain/fixed.ts';

/** A broker order in domain form; tests override what they need. */
export function alpacaOrder(overrides: Partial<AlpacaOrder> = {}): AlpacaOrder {
  return {
    id: 'order-1',
    clientOrderId: 'client-1',
    symbol: 'AAPL',
    assetClass: 'us_equity',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    qty: parseFixed('10'),
    filledQty: 0n as Fixed,
    filledAvgPrice: null,
    limitPrice: parseFixed('100'),
    stopPrice: null,
    trailPercent: null,
    trailPrice: null,
    status: 'new',
    extendedHours: false,
    createdAtMs: 1_000,
    updatedAtMs: 1_000,
    updatedAtNs: 1_000_000_000n,
    replacedBy: null,
    replaces: null,
    orderClass: '',
    ...overrides,
  };
}

export function tradeUpdate(
  event: TradeUpdateEvent,
  order: AlpacaOrder,
  execution: Execution | null = null,
): TradeUpdate {
  return {
    event,
    order,
    timestampMs: order.updatedAtMs,
    timestampNs: order.updatedAtNs,
    execution,
  };
}

export function execution(executionId: string, qty: string, price: string): Execution {
  return { executionId, qty: parseFixed(qty), price: parseFixed(price), timestampMs: 0, positionQty: null };
}
