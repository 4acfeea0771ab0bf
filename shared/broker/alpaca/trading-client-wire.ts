/**
 * Alpaca trading REST bodies (docs/alpaca-protocol.md §2.6–2.10) validated and mapped to exact
 * domain values. Decimals arrive as strings; numbers are accepted too, since Alpaca-compatible
 * venues differ. Fields the engine does not use are not required, so a new field or a dropped
 * legacy one (pattern_day_trader, July 2026) never breaks parsing.
 */
import { z } from 'zod';
import type { Account } from '../../domain/account.ts';
import { type Fixed, fixedFromNumber, tryParseFixed, ZERO } from '../../domain/fixed.ts';
import { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, TIME_IN_FORCE } from '../../domain/order.ts';
import type {
  AlpacaOrder,
  AlpacaPosition,
  BulkItemResult,
  CalendarDay,
  MarketClock,
} from './trading-client-types.ts';

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

const decimal = z.union([z.string(), z.number()]).transform((value, ctx): Fixed => {
  const parsed = typeof value === 'number' ? safeFromNumber(value) : tryParseFixed(value);
  if (parsed === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `not a decimal with at most 9 places: ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return parsed;
});

function safeFromNumber(value: number): Fixed | undefined {
  return Number.isFinite(value) ? fixedFromNumber(value) : undefined;
}

const optionalDecimal = decimal.nullish().transform((value) => value ?? null);

const time = z.string().transform((text, ctx): WireTime => {
  const parsed = parseWireTime(text);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an RFC 3339 time: ${JSON.stringify(text.slice(0, 40))}` });
    return z.NEVER;
  }
  return parsed;
});

const nullableId = z
  .string()
  .nullish()
  .transform((value) => (value === '' || value === undefined ? null : value));

const assetClass = z.enum(['us_equity', 'crypto']);

export const orderSchema = z
  .object({
    id: z.string().min(1),
    client_order_id: z.string(),
    created_at: time,
    updated_at: time,
    symbol: z.string(),
    asset_class: assetClass,
    qty: optionalDecimal,
    filled_qty: decimal,
    filled_avg_price: optionalDecimal,
    order_class: z.string().nullish(),
    type: z.enum(ORDER_TYPES),
    side: z.enum(ORDER_SIDES),
    time_in_force: z.enum(TIME_IN_FORCE),
    limit_price: optionalDecimal,
    stop_price: optionalDecimal,
    trail_percent: optionalDecimal,
    trail_price: optionalDecimal,
    status: z.enum(ORDER_STATUSES),
    extended_hours: z.boolean(),
    replaced_by: nullableId,
    replaces: nullableId,
  })
  .transform(
    (wire): AlpacaOrder => ({
      id: wire.id,
      clientOrderId: wire.client_order_id,
      symbol: wire.symbol,
      assetClass: wire.asset_class,
      side: wire.side,
      type: wire.type,
      timeInForce: wire.time_in_force,
      // A notional order has no quantity until it fills; zero means "not known" to the engine.
      qty: wire.qty ?? ZERO,
      filledQty: wire.filled_qty,
      filledAvgPrice: wire.filled_avg_price,
      limitPrice: wire.limit_price,
      stopPrice: wire.stop_price,
      trailPercent: wire.trail_percent,
      trailPrice: wire.trail_price,
      status: wire.status,
      extendedHours: wire.extended_hours,
      createdAtMs: wire.created_at.ms,
      updatedAtMs: wire.updated_at.ms,
      updatedAtNs: wire.updated_at.ns,
      replacedBy: wire.replaced_by,
      replaces: wire.replaces,
      orderClass: wire.order_class ?? '',
    }),
  );

export const orderListSchema = z.array(orderSchema);

export const accountSchema = z
  .object({
    id: z.string(),
    account_number: z.string(),
    status: z.string(),
    currency: z.string(),
    cash: decimal,
    equity: decimal,
    last_equity: decimal,
    buying_power: decimal,
    daytrading_buying_power: optionalDecimal,
    long_market_value: decimal,
    short_market_value: decimal,
    multiplier: decimal,
    pattern_day_trader: z.boolean().nullish(),
    daytrade_count: z.number().int().nullish(),
    shorting_enabled: z.boolean(),
    trading_blocked: z.boolean(),
    account_blocked: z.boolean(),
  })
  .transform(
    (wire): Account => ({
      id: wire.id,
      accountNumber: wire.account_number,
      status: wire.status,
      currency: wire.currency,
      cash: wire.cash,
      equity: wire.equity,
      lastEquity: wire.last_equity,
      buyingPower: wire.buying_power,
      daytradingBuyingPower: wire.daytrading_buying_power,
      longMarketValue: wire.long_market_value,
      shortMarketValue: wire.short_market_value,
      multiplier: Number(wire.multiplier / 1_000_000_000n),
      patternDayTrader: wire.pattern_day_trader ?? null,
      daytradeCount: wire.daytrade_count ?? null,
      shortingEnabled: wire.shorting_enabled,
      tradingBlocked: wire.trading_blocked,
      accountBlocked: wire.account_blocked,
    }),
  );

export const positionSchema = z
  .object({
    symbol: z.string(),
    asset_class: assetClass,
    qty: decimal,
    side: z.enum(['long', 'short']),
    avg_entry_price: decimal,
    market_value: optionalDecimal,
    unrealized_pl: optionalDecimal,
  })
  .transform(
    (wire): AlpacaPosition => ({
      symbol: wire.symbol,
      assetClass: wire.asset_class,
      // Shorts come with a negative qty; normalise in case a venue sends the magnitude.
      qty: (wire.side === 'short' && wire.qty > 0n ? -wire.qty : wire.qty) as Fixed,
      avgEntryPrice: wire.avg_entry_price,
      marketValue: wire.market_value,
      unrealizedPnl: wire.unrealized_pl,
    }),
  );

export const positionListSchema = z.array(positionSchema);

export const clockSchema = z
  .object({ timestamp: time, is_open: z.boolean(), next_open: time, next_close: time })
  .transform(
    (wire): MarketClock => ({
      timestampMs: wire.timestamp.ms,
      isOpen: wire.is_open,
      nextOpenMs: wire.next_open.ms,
      nextCloseMs: wire.next_close.ms,
    }),
  );

const hourMinute = z.string().regex(/^\d{2}:\d{2}$/, 'expected HH:MM');

export const calendarSchema = z.array(
  z
    .object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), open: hourMinute, close: hourMinute })
    .transform((wire): CalendarDay => ({ date: wire.date, open: wire.open, close: wire.close })),
);

export const errorBodySchema = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
});

/** A 207 answer's entries: `id` on bulk cancel, `symbol` on close-all; `body` an order or an error. */
export const bulkResultSchema = z.array(
  z
    .object({
      id: z.string().optional(),
      symbol: z.string().optional(),
      status: z.number().int(),
      body: z.unknown().optional(),
    })
    .transform((wire): BulkItemResult => {
      const order = orderSchema.safeParse(wire.body);
      return {
        key: wire.id ?? wire.symbol ?? '',
        status: wire.status,
        order: order.success ? order.data : null,
      };
    }),
);

/** Issues as "path: message" lines, for errors that name what was wrong without echoing the body. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}
