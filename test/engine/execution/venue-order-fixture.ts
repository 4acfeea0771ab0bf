import { type Fixed, parseFixed } from '../../../shared/domain/fixed.ts';
import type {
  VenueExecution,
  VenueOrder,
  VenueOrderEvent,
  VenueOrderEventKind,
} from '../../../shared/venue/venue-types.ts';

/** A venue's order; tests override what they need. */
export function venueOrder(overrides: Partial<VenueOrder> = {}): VenueOrder {
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

export function orderEvent(
  event: VenueOrderEventKind,
  order: VenueOrder,
  execution: VenueExecution | null = null,
): VenueOrderEvent {
  return {
    event,
    order,
    timestampMs: order.updatedAtMs,
    timestampNs: order.updatedAtNs,
    execution,
  };
}

export function execution(executionId: string, qty: string, price: string): VenueExecution {
  return { executionId, qty: parseFixed(qty), price: parseFixed(price), timestampMs: 0, positionQty: null };
}
