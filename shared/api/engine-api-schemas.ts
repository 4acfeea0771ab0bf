/**
 * The engine API's contract: every request body and every answer, as zod schemas. The engine's
 * routes validate bodies with them, the OpenAPI document is generated from them, and the client
 * (CLI, scheduled jobs, dashboard) reads answers with them. Money and quantities travel as decimal
 * strings, so nothing is rounded through a float on the way.
 */
import { z } from 'zod';
import { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, TIME_IN_FORCE } from '../domain/order.ts';

const DECIMAL = /^-?\d{1,15}(\.\d{1,9})?$/;
export const decimalText = z.string().regex(DECIMAL, 'must be a decimal string, e.g. "12.5"');
const timestamp = z.iso.datetime({ offset: true });

export const errorAnswer = z.object({
  error: z.string().describe('A stable code, e.g. invalid_request, unauthorized, forbidden.'),
  message: z.string(),
  issues: z
    .array(z.object({ path: z.string(), rule: z.string() }))
    .optional()
    .describe('For invalid_request: each field that is wrong and the rule it breaks.'),
});
export type ErrorAnswer = z.infer<typeof errorAnswer>;

// ---- reads ---------------------------------------------------------------------------------

export const healthAnswer = z.object({
  status: z.enum(['starting', 'ok', 'degraded', 'fatal']),
  checks: z.record(z.string(), z.string()),
});
export type HealthAnswer = z.infer<typeof healthAnswer>;

export const readyAnswer = z.object({
  ready: z.boolean(),
  checks: z.object({
    trading: z
      .boolean()
      .describe('The engine is in its trading phase (not starting, standing by or refused).'),
    feeds: z.boolean().describe('Every market-data feed is streaming and fresh.'),
    tradeUpdates: z.boolean(),
    reconciled: z.boolean().describe('Orders and positions have been reconciled with the broker.'),
    lease: z.enum(['held', 'not_held', 'not_used']),
  }),
  reasons: z.array(z.string()).describe('Why the engine is not ready; empty when it is.'),
});
export type ReadyAnswer = z.infer<typeof readyAnswer>;

export const positionAnswer = z.object({
  symbol: z.string(),
  side: z.enum(['long', 'short']),
  qty: decimalText.describe('Signed: negative for a short.'),
  avgEntryPrice: decimalText,
  markPrice: decimalText.nullable().describe("The book's mid; null without a usable quote."),
  marketValue: decimalText.nullable(),
  unrealizedPnl: decimalText.nullable(),
  closing: z.boolean().describe('A close (stop, kill switch or operator) is under way.'),
});
export const positionsAnswer = z.object({ positions: z.array(positionAnswer) });
export type PositionAnswer = z.infer<typeof positionAnswer>;
export type PositionsAnswer = z.infer<typeof positionsAnswer>;

export const orderAnswer = z.object({
  clientOrderId: z.string(),
  orderId: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(ORDER_SIDES),
  type: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE),
  qty: decimalText,
  filledQty: decimalText,
  filledAvgPrice: decimalText.nullable(),
  limitPrice: decimalText.nullable(),
  stopPrice: decimalText.nullable(),
  status: z.enum(ORDER_STATUSES),
  origin: z.string().describe('Who sent it: a strategy id, operator, risk, or external.'),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type OrderAnswer = z.infer<typeof orderAnswer>;
export const ORDER_LISTS = ['open', 'closed', 'all'] as const;
export const ordersAnswer = z.object({ orders: z.array(orderAnswer) });
export type OrdersAnswer = z.infer<typeof ordersAnswer>;

export const fillAnswer = z.object({
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.enum(ORDER_SIDES),
  qty: decimalText,
  price: decimalText,
  realizedPnl: decimalText,
  at: timestamp,
});
export const fillsAnswer = z.object({ fills: z.array(fillAnswer).describe('Most recent first.') });
export type FillAnswer = z.infer<typeof fillAnswer>;
export type FillsAnswer = z.infer<typeof fillsAnswer>;

export const pnlAnswer = z.object({
  sessionDate: z.string(),
  realized: decimalText,
  unrealized: decimalText,
  daily: decimalText.describe('Realized plus unrealized since the session start, as the loss limit sees it.'),
  exposure: z.object({ gross: decimalText, net: decimalText }),
  intraday: z
    .array(z.object({ at: timestamp, daily: decimalText }))
    .describe("The session's daily P&L, sampled; oldest first."),
});
export type PnlAnswer = z.infer<typeof pnlAnswer>;

export const riskLimitAnswer = z.object({
  name: z.string(),
  used: z.number(),
  limit: z.number(),
  unit: z.enum(['usd', 'count', 'positions']),
});
export const riskAnswer = z.object({
  breaker: z.enum(['normal', 'reducing', 'halted']),
  reconciled: z.boolean(),
  killSwitch: z.boolean().describe('The kill switch has been thrown this session and not reset.'),
  limits: z.array(riskLimitAnswer),
});
export type RiskAnswer = z.infer<typeof riskAnswer>;

export const strategyAnswer = z.object({
  id: z.string(),
  symbols: z.array(z.string()),
  enabled: z.boolean(),
  latched: z.boolean().describe('Disabled by risk after too many fills in a window; enable re-arms it.'),
});
export const strategiesAnswer = z.object({ strategies: z.array(strategyAnswer) });
export type StrategyAnswer = z.infer<typeof strategyAnswer>;
export type StrategiesAnswer = z.infer<typeof strategiesAnswer>;

/** The summary the scheduled jobs read (reconciliation compares its positions with the broker's). */
export const statusAnswer = z.object({
  positions: z.array(z.object({ symbol: z.string(), qty: decimalText, avgEntryPrice: decimalText })),
  openOrders: z.array(
    z.object({
      clientOrderId: z.string(),
      symbol: z.string(),
      side: z.enum(ORDER_SIDES),
      qty: decimalText,
      filledQty: decimalText,
      status: z.enum(ORDER_STATUSES),
      origin: z.string(),
    }),
  ),
  pnl: z.object({
    realized: decimalText,
    unrealized: decimalText,
    daily: decimalText,
    sessionDate: z.string(),
  }),
  exposure: z.object({ gross: decimalText, net: decimalText }),
  risk: z.object({ breaker: z.enum(['normal', 'reducing', 'halted']), reconciled: z.boolean() }),
});
export type StatusAnswer = z.infer<typeof statusAnswer>;

// ---- actions -------------------------------------------------------------------------------

const operatorName = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{2,64}$/, 'must be 2-64 characters of letters, digits, . _ @ -')
  .describe('The person acting, for the audit log.');
const reason = z
  .string()
  .trim()
  .min(3, 'must say why (at least 3 characters)')
  .max(500, 'must be at most 500 characters')
  .describe('Why, for the audit log.');

export const actionRequest = z.strictObject({ operator: operatorName, reason });
export type ActionRequest = z.infer<typeof actionRequest>;

const SYMBOL = /^[A-Z][A-Z0-9.]{0,9}(\/[A-Z]{2,5})?$/;
export const symbolText = z.string().regex(SYMBOL, 'must be a symbol such as AAPL or BTC/USD');

export const MANUAL_ORDER_TYPES = ['market', 'limit'] as const;
export const MANUAL_TIME_IN_FORCE = ['day', 'gtc', 'ioc'] as const;

export const manualOrderRequest = z
  .strictObject({
    symbol: symbolText,
    side: z.enum(ORDER_SIDES),
    qty: decimalText.refine((text) => Number(text) > 0, 'must be greater than zero'),
    type: z.enum(MANUAL_ORDER_TYPES).default('market'),
    limitPrice: decimalText.refine((text) => Number(text) > 0, 'must be greater than zero').optional(),
    timeInForce: z.enum(MANUAL_TIME_IN_FORCE).default('day'),
    operator: operatorName,
    reason,
  })
  .refine((order) => (order.type === 'limit') === (order.limitPrice !== undefined), {
    message: 'a limit order needs limitPrice, and only a limit order may have one',
    path: ['limitPrice'],
  });
export type ManualOrderRequest = z.output<typeof manualOrderRequest>;

export const manualOrderAnswer = z.object({ order: orderAnswer });
export type ManualOrderAnswer = z.infer<typeof manualOrderAnswer>;

export const closePositionAnswer = z.object({
  symbol: z.string(),
  qty: decimalText.describe('The position being closed, signed, as held when asked.'),
  closing: z.literal(true),
});
export type ClosePositionAnswer = z.infer<typeof closePositionAnswer>;

export const killSwitchAnswer = z.object({
  breaker: z.enum(['normal', 'reducing', 'halted']),
  canceling: z.number().int().describe('Working orders being canceled.'),
  closing: z.array(z.string()).describe('Symbols whose positions are being flattened.'),
});
export type KillSwitchAnswer = z.infer<typeof killSwitchAnswer>;

export const breakerResetAnswer = z.object({ breaker: z.enum(['normal', 'reducing', 'halted']) });
export type BreakerResetAnswer = z.infer<typeof breakerResetAnswer>;

export const strategyActionAnswer = z.object({ strategy: strategyAnswer });
export type StrategyActionAnswer = z.infer<typeof strategyActionAnswer>;

/** Idempotency-Key header values: what a UUID or a ULID looks like, with room for others. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;

// ---- the event stream (GET /events) --------------------------------------------------------

export const feedAnswer = z.object({
  name: z.string().describe('stocks or crypto'),
  state: z.string().describe('ready when streaming and fresh; connecting, stale, backing_off, fatal…'),
});

export const latencyAnswer = z.object({
  count: z.number().int().describe('Frames measured since the engine started.'),
  p50Us: z.number(),
  p90Us: z.number(),
  p99Us: z.number(),
  maxUs: z.number(),
});
export type LatencyAnswer = z.infer<typeof latencyAnswer>;

/** Sent as the `state` event once on connect and then every second: all a dashboard shows. */
export const engineStateEvent = z.object({
  at: timestamp,
  health: healthAnswer,
  pnl: pnlAnswer,
  positions: z.array(positionAnswer),
  orders: z.array(orderAnswer).describe('Working orders.'),
  fills: z.array(fillAnswer).describe('Recent fills, most recent first.'),
  risk: riskAnswer,
  strategies: z.array(strategyAnswer),
  feeds: z.array(feedAnswer),
  hotPath: latencyAnswer
    .nullable()
    .describe('Market-data frame in to decisions made (risk, strategies, order request), in microseconds.'),
});
export type EngineStateEvent = z.infer<typeof engineStateEvent>;

/** Sent as the `fill` event the moment a fill is booked. */
export const fillEvent = fillAnswer;
