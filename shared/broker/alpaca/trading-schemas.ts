/**
 * Zod schemas of Alpaca's trading API bodies, written from Alpaca's documentation
 * (https://docs.alpaca.markets/docs/trading-api, https://docs.alpaca.markets/docs/websocket-streaming)
 * and the official SDKs' models: what a client may rely on. The
 * simulator's tests hold its answers to them; the engine's trading client parses with them.
 * Objects are not strict: Alpaca adds fields over time and a client must tolerate them.
 */
import { z } from 'zod';
import { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, TIME_IN_FORCE } from '../../domain/order.ts';
import { VENUE_ORDER_EVENTS } from '../../venue/venue-types.ts';

/** Decimal as a string ("187.65", "-2", "0.000000001"). */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');
/** RFC 3339 with any offset and up to nine fractional digits. */
export const rfc3339 = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/,
    'expected an RFC 3339 timestamp',
  );
export const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a UUID');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const errorBodySchema = z.object({ code: z.number().int(), message: z.string() });

export const orderStatusSchema = z.enum(ORDER_STATUSES);

export const orderTypeSchema = z.enum(ORDER_TYPES);
/** "" (or "simple") for a plain order; bracket, oco and oto on every order of such a group. */
export const orderClassSchema = z.enum(['', 'simple', 'bracket', 'oco', 'oto', 'mleg']);
export const timeInForceSchema = z.enum(TIME_IN_FORCE);

const orderBase = z.object({
  id: uuid,
  client_order_id: z.string().max(128),
  created_at: rfc3339,
  updated_at: rfc3339,
  submitted_at: rfc3339,
  filled_at: rfc3339.nullable(),
  expired_at: rfc3339.nullable(),
  canceled_at: rfc3339.nullable(),
  failed_at: rfc3339.nullable(),
  replaced_at: rfc3339.nullable(),
  replaced_by: uuid.nullable(),
  replaces: uuid.nullable(),
  asset_id: uuid,
  symbol: z.string(),
  asset_class: z.enum(['us_equity', 'us_option', 'crypto', 'crypto_perp']),
  notional: decimalString.nullable(),
  qty: decimalString.nullable(),
  filled_qty: decimalString,
  filled_avg_price: decimalString.nullable(),
  order_class: orderClassSchema,
  order_type: orderTypeSchema,
  type: orderTypeSchema,
  side: z.enum(ORDER_SIDES),
  position_intent: z.enum(['buy_to_open', 'buy_to_close', 'sell_to_open', 'sell_to_close']).optional(),
  time_in_force: timeInForceSchema,
  limit_price: decimalString.nullable(),
  stop_price: decimalString.nullable(),
  status: orderStatusSchema,
  extended_hours: z.boolean(),
  trail_percent: decimalString.nullable(),
  trail_price: decimalString.nullable(),
  hwm: decimalString.nullable(),
});

export type AlpacaWireOrder = z.infer<typeof orderBase> & { legs: AlpacaWireOrder[] | null };

export const orderSchema: z.ZodType<AlpacaWireOrder> = orderBase.extend({
  legs: z.lazy(() => z.array(orderSchema)).nullable(),
});

/**
 * A leg of a bracket, oco or oto order (https://docs.alpaca.markets/docs/orders-at-alpaca): an
 * order of its own, with its parent's order_class and no legs.
 */
export const orderLegSchema = orderBase.extend({
  order_class: z.enum(['bracket', 'oco', 'oto']),
  legs: z.null(),
});

/**
 * A bracket, oco or oto parent with its legs nested, as POST /v2/orders answers it and GET
 * /v2/orders?nested=true lists it: bracket has two legs (take-profit limit, then stop-loss),
 * oco one (the stop-loss; the parent is the take-profit), oto one.
 */
export const nestedOrderSchema = orderBase
  .extend({ order_class: z.enum(['bracket', 'oco', 'oto']), legs: z.array(orderLegSchema).min(1).max(2) })
  .superRefine((order, context) => {
    const expected = order.order_class === 'bracket' ? 2 : 1;
    if (order.legs.length !== expected) {
      context.addIssue({
        code: 'custom',
        message: `a ${order.order_class} order has ${expected} leg(s), got ${order.legs.length}`,
        path: ['legs'],
      });
    }
    order.legs.forEach((leg, index) => {
      if (leg.order_class !== order.order_class) {
        context.addIssue({
          code: 'custom',
          message: `leg order_class ${leg.order_class} differs from its parent's ${order.order_class}`,
          path: ['legs', index, 'order_class'],
        });
      }
    });
  });

export const accountSchema = z.object({
  id: uuid,
  account_number: z.string(),
  status: z.string(),
  crypto_status: z.string().optional(),
  currency: z.literal('USD'),
  buying_power: decimalString,
  regt_buying_power: decimalString,
  daytrading_buying_power: decimalString.optional(),
  effective_buying_power: decimalString.optional(),
  non_marginable_buying_power: decimalString,
  cash: decimalString,
  accrued_fees: decimalString.optional(),
  portfolio_value: decimalString,
  pattern_day_trader: z.boolean().optional(),
  trading_blocked: z.boolean(),
  transfers_blocked: z.boolean(),
  account_blocked: z.boolean(),
  created_at: rfc3339,
  trade_suspended_by_user: z.boolean(),
  multiplier: z.enum(['1', '2', '4']),
  shorting_enabled: z.boolean(),
  equity: decimalString,
  last_equity: decimalString,
  long_market_value: decimalString,
  short_market_value: decimalString,
  initial_margin: decimalString,
  maintenance_margin: decimalString,
  last_maintenance_margin: decimalString,
  sma: decimalString,
  daytrade_count: z.number().int().min(0).optional(),
});
export type AlpacaAccount = z.infer<typeof accountSchema>;

export const positionSchema = z.object({
  asset_id: uuid,
  symbol: z.string(),
  exchange: z.enum([
    'AMEX',
    'ARCA',
    'ASCX',
    'BATS',
    'NYSE',
    'NASDAQ',
    'NYSEARCA',
    'OTC',
    'CRYPTO',
    'FTXU',
    'CBSE',
    'GNSS',
    'ERSX',
    '',
  ]),
  asset_class: z.enum(['us_equity', 'us_option', 'crypto']),
  asset_marginable: z.boolean().optional(),
  qty: decimalString,
  qty_available: decimalString.optional(),
  avg_entry_price: decimalString,
  side: z.enum(['long', 'short']),
  market_value: decimalString.nullable(),
  cost_basis: decimalString,
  unrealized_pl: decimalString.nullable(),
  unrealized_plpc: decimalString.nullable(),
  unrealized_intraday_pl: decimalString.nullable(),
  unrealized_intraday_plpc: decimalString.nullable(),
  current_price: decimalString.nullable(),
  lastday_price: decimalString.nullable(),
  change_today: decimalString.nullable(),
});
export type AlpacaWirePosition = z.infer<typeof positionSchema>;

export const clockSchema = z.object({
  timestamp: rfc3339,
  is_open: z.boolean(),
  next_open: rfc3339,
  next_close: rfc3339,
});

/** GET /v3/clock (what the official JS SDK 4 calls from clock()). */
export const marketClocksSchema = z.object({
  clocks: z.array(
    z.object({
      timestamp: rfc3339,
      is_market_day: z.boolean(),
      next_market_open: rfc3339,
      next_market_close: rfc3339,
      phase: z.enum(['closed', 'pre', 'core', 'lunch', 'post']),
      phase_until: rfc3339,
      market: z.object({
        acronym: z.string(),
        name: z.string(),
        timezone: z.string(),
        mic: z.string().optional(),
      }),
    }),
  ),
});

export const calendarDaySchema = z.object({
  date: isoDate,
  open: z.string().regex(/^\d{2}:\d{2}$/),
  close: z.string().regex(/^\d{2}:\d{2}$/),
  session_open: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  session_close: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  settlement_date: isoDate.optional(),
});

export const assetSchema = z.object({
  id: uuid,
  class: z.enum(['us_equity', 'us_option', 'crypto']),
  exchange: z.string(),
  symbol: z.string(),
  name: z.string().optional(),
  status: z.enum(['active', 'inactive']),
  tradable: z.boolean(),
  marginable: z.boolean(),
  shortable: z.boolean(),
  easy_to_borrow: z.boolean(),
  fractionable: z.boolean(),
  attributes: z.array(z.string()).optional(),
});

/** One entry of DELETE /v2/orders (207). */
export const cancelOrderResultSchema = z.object({
  id: uuid,
  status: z.number().int(),
  body: z.union([orderSchema, errorBodySchema]).optional(),
});

/** One entry of DELETE /v2/positions (207). */
export const closePositionResultSchema = z.object({
  symbol: z.string(),
  status: z.number().int(),
  body: z.union([orderSchema, errorBodySchema.passthrough()]),
});

export const tradeUpdateEventSchema = z.enum(VENUE_ORDER_EVENTS);

const fillFields = {
  execution_id: uuid,
  price: decimalString,
  qty: decimalString,
  position_qty: decimalString,
};

/** The `data` of a trade_updates message; fills carry the execution fields. */
export const tradeUpdateSchema = z
  .object({
    event: tradeUpdateEventSchema,
    timestamp: rfc3339,
    order: orderSchema,
    execution_id: uuid.optional(),
    price: decimalString.optional(),
    qty: decimalString.optional(),
    position_qty: decimalString.optional(),
    at: rfc3339.optional(),
    event_id: z.string().optional(),
  })
  .superRefine((update, context) => {
    if (update.event !== 'fill' && update.event !== 'partial_fill') return;
    for (const field of Object.keys(fillFields) as (keyof typeof fillFields)[]) {
      if (update[field] === undefined)
        context.addIssue({
          code: 'custom',
          message: `${field} is required on ${update.event}`,
          path: [field],
        });
    }
  });
export type AlpacaTradeUpdate = z.infer<typeof tradeUpdateSchema>;

/** Every server message on the trading stream. */
export const tradingStreamMessageSchema = z.discriminatedUnion('stream', [
  z.object({
    stream: z.literal('authorization'),
    data: z.object({
      status: z.enum(['authorized', 'unauthorized']),
      action: z.enum(['authenticate', 'listen']),
    }),
  }),
  z.object({ stream: z.literal('listening'), data: z.object({ streams: z.array(z.string()) }) }),
  z.object({ stream: z.literal('trade_updates'), data: tradeUpdateSchema }),
]);
export type AlpacaTradingStreamMessage = z.infer<typeof tradingStreamMessageSchema>;
