/**
 * Alpaca's JSON shapes for the simulator's records (the bodies in Alpaca's API reference, e.g.
 * https://docs.alpaca.markets/reference/postorder; trade updates:
 * https://docs.alpaca.markets/docs/websocket-streaming):
 * decimals as strings, nullable fields present as null, UUID ids, RFC 3339 nanosecond times.
 */
import { type Fixed, formatFixed } from '../../shared/domain/fixed.ts';
import type { SimAsset } from './asset-catalog.ts';
import { averageFillPrice } from './fill-model.ts';
import type { SimOrder } from './sim-order.ts';
import { rfc3339Nanos } from './trading-timestamps.ts';

function decimalOrNull(value: Fixed | null): string | null {
  return value === null ? null : formatFixed(value);
}

function timeOrNull(epochUs: number | null): string | null {
  return epochUs === null ? null : rfc3339Nanos(epochUs);
}

export type WireOrder = Record<string, unknown>;

/** `nested`: a parent lists its legs in `legs` (null otherwise, and always on a leg). */
export function renderOrder(order: SimOrder, nested = false): WireOrder {
  return {
    id: order.id,
    client_order_id: order.clientOrderId,
    created_at: rfc3339Nanos(order.createdUs),
    updated_at: rfc3339Nanos(order.updatedUs),
    submitted_at: rfc3339Nanos(order.submittedUs),
    filled_at: timeOrNull(order.filledUs),
    expired_at: timeOrNull(order.expiredUs),
    canceled_at: timeOrNull(order.canceledUs),
    failed_at: timeOrNull(order.failedUs),
    replaced_at: timeOrNull(order.replacedUs),
    replaced_by: order.replacedBy,
    replaces: order.replaces,
    asset_id: order.assetId,
    symbol: order.symbol,
    asset_class: order.assetClass,
    notional: decimalOrNull(order.notional),
    qty: decimalOrNull(order.qty),
    filled_qty: formatFixed(order.filledQty),
    filled_avg_price: decimalOrNull(averageFillPrice(order)),
    order_class: order.orderClass === 'simple' ? '' : order.orderClass,
    order_type: order.type,
    type: order.type,
    side: order.side,
    position_intent: order.positionIntent,
    time_in_force: order.timeInForce,
    limit_price: decimalOrNull(order.limitPrice),
    stop_price: decimalOrNull(order.stopPrice),
    status: order.status,
    extended_hours: order.extendedHours,
    legs: nested && order.legs.length > 0 ? order.legs.map((leg) => renderOrder(leg)) : null,
    trail_percent: decimalOrNull(order.trailPercent),
    trail_price: decimalOrNull(order.trailPrice),
    hwm: decimalOrNull(order.hwm),
    subtag: null,
    source: null,
    expires_at: null,
  };
}

export function renderAsset(asset: SimAsset): Record<string, unknown> {
  const base = {
    id: asset.id,
    class: asset.class,
    exchange: asset.exchange,
    symbol: asset.symbol,
    name: asset.name,
    status: asset.status,
    tradable: asset.tradable,
    marginable: asset.marginable,
    shortable: asset.shortable,
    easy_to_borrow: asset.easy_to_borrow,
    fractionable: asset.fractionable,
    attributes: [],
  };
  if (asset.class === 'crypto') {
    return {
      ...base,
      min_order_size: '0.000000001',
      min_trade_increment: '0.000000001',
      price_increment: '0.01',
    };
  }
  return {
    ...base,
    maintenance_margin_requirement: 30,
    margin_requirement_long: '30',
    margin_requirement_short: '30',
  };
}
