/**
 * Alpaca trading REST bodies mapped to exact domain values. Validation is the shared schemas'
 * job (trading-schemas.ts, the same ones the simulator is held to); this file only converts
 * what they accepted: decimal strings to Fixed, RFC 3339 times to epoch ms and ns.
 */
import { z } from 'zod';
import type { Account } from '../../domain/account.ts';
import { type Fixed, tryParseFixed, ZERO } from '../../domain/fixed.ts';
import type {
  BulkItemResult,
  CalendarDay,
  MarketClock,
  VenueOrder,
  VenuePosition,
} from '../../venue/venue-types.ts';
import {
  calendarDaySchema,
  cancelOrderResultSchema,
  closePositionResultSchema,
  accountSchema as wireAccountSchema,
  clockSchema as wireClockSchema,
  orderSchema as wireOrderSchema,
  positionSchema as wirePositionSchema,
} from './trading-schemas.ts';

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

export interface WireTime {
  readonly ms: number;
  readonly ns: bigint;
}

/** RFC 3339 with any offset and up to nanoseconds; undefined when it is not one. */
export function parseWireTime(text: string): WireTime | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const wholeSecondsMs = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(wholeSecondsMs)) return undefined;
  const fractionNs = BigInt((match[2] ?? '').padEnd(9, '0'));
  return {
    ms: wholeSecondsMs + Number(fractionNs / 1_000_000n),
    ns: BigInt(wholeSecondsMs) * 1_000_000n + fractionNs,
  };
}

/**
 * Conversions that can still fail after schema validation (more than 9 decimals) report into
 * one list, so a body is either mapped whole or refused with every reason.
 */
export class WireConversion {
  readonly issues: string[] = [];

  decimal(value: string, path: string): Fixed {
    const parsed = tryParseFixed(value);
    if (parsed !== undefined) return parsed;
    this.issues.push(`${path}: more than 9 decimal places (${value.slice(0, 30)})`);
    return ZERO;
  }

  optionalDecimal(value: string | null | undefined, path: string): Fixed | null {
    return value === null || value === undefined ? null : this.decimal(value, path);
  }

  time(value: string, path: string): WireTime {
    const parsed = parseWireTime(value);
    if (parsed !== undefined) return parsed;
    this.issues.push(`${path}: not an RFC 3339 time`);
    return { ms: 0, ns: 0n };
  }
}

/** Runs a conversion inside a zod transform, turning its issues into zod issues. */
function converted<Input, Output>(convert: (wire: Input, conversion: WireConversion) => Output) {
  return (wire: Input, ctx: z.RefinementCtx): Output => {
    const conversion = new WireConversion();
    const output = convert(wire, conversion);
    for (const message of conversion.issues) ctx.addIssue({ code: 'custom', message });
    return output;
  };
}

type WireOrder = z.infer<typeof wireOrderSchema>;

export function mapOrder(wire: WireOrder, conversion: WireConversion, path = ''): VenueOrder {
  const updatedAt = conversion.time(wire.updated_at, `${path}updated_at`);
  if (wire.asset_class !== 'us_equity' && wire.asset_class !== 'crypto') {
    conversion.issues.push(`${path}asset_class: ${wire.asset_class} is not traded by this system`);
  }
  return {
    id: wire.id,
    clientOrderId: wire.client_order_id,
    symbol: wire.symbol,
    assetClass: wire.asset_class === 'crypto' ? 'crypto' : 'us_equity',
    side: wire.side,
    type: wire.type,
    timeInForce: wire.time_in_force,
    // A notional order has no quantity until it fills; zero means "not known" to the engine.
    qty: conversion.optionalDecimal(wire.qty, `${path}qty`) ?? ZERO,
    filledQty: conversion.decimal(wire.filled_qty, `${path}filled_qty`),
    filledAvgPrice: conversion.optionalDecimal(wire.filled_avg_price, `${path}filled_avg_price`),
    limitPrice: conversion.optionalDecimal(wire.limit_price, `${path}limit_price`),
    stopPrice: conversion.optionalDecimal(wire.stop_price, `${path}stop_price`),
    trailPercent: conversion.optionalDecimal(wire.trail_percent, `${path}trail_percent`),
    trailPrice: conversion.optionalDecimal(wire.trail_price, `${path}trail_price`),
    status: wire.status,
    extendedHours: wire.extended_hours,
    createdAtMs: conversion.time(wire.created_at, `${path}created_at`).ms,
    updatedAtMs: updatedAt.ms,
    updatedAtNs: updatedAt.ns,
    replacedBy: wire.replaced_by,
    replaces: wire.replaces,
    orderClass: wire.order_class,
  };
}

export const orderSchema = wireOrderSchema.transform(
  converted((wire, conversion) => mapOrder(wire, conversion)),
);

export const orderListSchema = z.array(orderSchema);

export const accountSchema = wireAccountSchema.transform(
  converted(
    (wire, conversion): Account => ({
      id: wire.id,
      accountNumber: wire.account_number,
      status: wire.status,
      currency: wire.currency,
      cash: conversion.decimal(wire.cash, 'cash'),
      equity: conversion.decimal(wire.equity, 'equity'),
      lastEquity: conversion.decimal(wire.last_equity, 'last_equity'),
      buyingPower: conversion.decimal(wire.buying_power, 'buying_power'),
      daytradingBuyingPower: conversion.optionalDecimal(
        wire.daytrading_buying_power,
        'daytrading_buying_power',
      ),
      longMarketValue: conversion.decimal(wire.long_market_value, 'long_market_value'),
      shortMarketValue: conversion.decimal(wire.short_market_value, 'short_market_value'),
      multiplier: Number(wire.multiplier),
      patternDayTrader: wire.pattern_day_trader ?? null,
      daytradeCount: wire.daytrade_count ?? null,
      shortingEnabled: wire.shorting_enabled,
      tradingBlocked: wire.trading_blocked,
      accountBlocked: wire.account_blocked,
    }),
  ),
);

export const positionSchema = wirePositionSchema.transform(
  converted((wire, conversion): VenuePosition => {
    const qty = conversion.decimal(wire.qty, 'qty');
    return {
      symbol: wire.symbol,
      assetClass: wire.asset_class === 'crypto' ? 'crypto' : 'us_equity',
      // Shorts come with a negative qty; normalise in case a venue sends the magnitude.
      qty: (wire.side === 'short' && qty > 0n ? -qty : qty) as Fixed,
      avgEntryPrice: conversion.decimal(wire.avg_entry_price, 'avg_entry_price'),
      marketValue: conversion.optionalDecimal(wire.market_value, 'market_value'),
      unrealizedPnl: conversion.optionalDecimal(wire.unrealized_pl, 'unrealized_pl'),
    };
  }),
);

export const positionListSchema = z.array(positionSchema);

export const clockSchema = wireClockSchema.transform(
  converted(
    (wire, conversion): MarketClock => ({
      timestampMs: conversion.time(wire.timestamp, 'timestamp').ms,
      isOpen: wire.is_open,
      nextOpenMs: conversion.time(wire.next_open, 'next_open').ms,
      nextCloseMs: conversion.time(wire.next_close, 'next_close').ms,
    }),
  ),
);

export const calendarSchema = z.array(
  calendarDaySchema.transform(
    (wire): CalendarDay => ({ date: wire.date, open: wire.open, close: wire.close }),
  ),
);

function bulkOrder(body: unknown): VenueOrder | null {
  const order = orderSchema.safeParse(body);
  return order.success ? order.data : null;
}

/** DELETE /v2/orders (207): one entry per order, with its own status. */
export const cancelAllResultSchema = z.array(
  cancelOrderResultSchema.transform(
    (wire): BulkItemResult => ({ key: wire.id, status: wire.status, order: bulkOrder(wire.body) }),
  ),
);

/** DELETE /v2/positions (207): one entry per symbol, with the closing order or an error. */
export const closeAllResultSchema = z.array(
  closePositionResultSchema.transform(
    (wire): BulkItemResult => ({ key: wire.symbol, status: wire.status, order: bulkOrder(wire.body) }),
  ),
);

/** Issues as "path: message" lines, for errors that name what was wrong without echoing the body. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}
