/**
 * The simulator's own control surface for trading, under /admin/trading (off Alpaca's paths;
 * Alpaca has nothing like it). Tests arm faults, flip asset flags and close market dates here
 * (prices are set through /admin/marketdata/quote).
 * Bodies are validated like any other boundary; see docs/simulator.md for the reference.
 */
import { z } from 'zod';
import { type ClosedDates, isCalendarDate } from '../closed-dates.ts';
import type { HttpReply } from '../http/http-io.ts';
import type { TradeUpdatesStream } from '../stream/trade-updates-stream.ts';
import type { AssetCatalog } from '../trading/asset-catalog.ts';
import type { MatchingEngine } from '../trading/matching-engine.ts';
import { renderAsset } from '../trading/wire.ts';
import type { RestFaults } from './rest-faults.ts';

export const ADMIN_TRADING_PREFIX = '/admin/trading';

export interface TradingAdminDeps {
  readonly engine: MatchingEngine;
  readonly stream: TradeUpdatesStream;
  readonly restFaults: RestFaults;
  readonly assets: AssetCatalog;
  readonly refusedRequests: () => Record<string, number>;
  readonly closedDates: ClosedDates;
}

const count = z.number().int().min(1).max(1_000_000).default(1);

const restFaultSchema = z
  .object({
    kind: z.enum(['status', 'timeout']),
    status: z.number().int().min(400).max(599).default(500),
    when: z.enum(['before', 'after']).default('before'),
    method: z.enum(['GET', 'POST', 'PATCH', 'DELETE']).optional(),
    path: z.string().startsWith('/').optional(),
    message: z.string().min(1).max(500).optional(),
    count,
  })
  .strict();

const streamFaultSchema = z.object({ action: z.enum(['drop', 'silence', 'resume', 'malformed']) }).strict();

const eventFaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('delay'), ms: z.number().int().min(0).max(3_600_000), count }).strict(),
  z.object({ kind: z.literal('duplicate'), count }).strict(),
  z.object({ kind: z.literal('reorder'), count: z.number().int().min(2).max(1000) }).strict(),
]);

const rejectSchema = z.object({ count }).strict();

const slowCancelSchema = z.object({ ms: z.number().int().min(0).max(3_600_000), count }).strict();

const fillBeforeCancelSchema = z.object({ count }).strict();

const closureSchema = z
  .object({
    date: z.string().superRefine((date, context) => {
      if (!isCalendarDate(date)) {
        context.addIssue({
          code: 'custom',
          message: `${JSON.stringify(date)} is not a date written YYYY-MM-DD`,
        });
      }
    }),
  })
  .strict();

const assetFlagsSchema = z
  .object({
    tradable: z.boolean(),
    marginable: z.boolean(),
    shortable: z.boolean(),
    easy_to_borrow: z.boolean(),
    fractionable: z.boolean(),
  })
  .partial()
  .strict();

function invalid(error: z.ZodError): HttpReply {
  const problems = error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  return { status: 400, body: { error: 'invalid admin request', problems } };
}

function parse<T>(schema: z.ZodType<T>, body: unknown, then: (value: T) => HttpReply): HttpReply {
  const parsed = schema.safeParse(body ?? {});
  return parsed.success ? then(parsed.data) : invalid(parsed.error);
}

const done = (details: Record<string, unknown> = {}): HttpReply => ({
  status: 200,
  body: { ok: true, ...details },
});

export function handleTradingAdmin(
  deps: TradingAdminDeps,
  method: string,
  path: string,
  body: unknown,
): HttpReply {
  const route = `${method} ${path.slice(ADMIN_TRADING_PREFIX.length)}`;
  switch (route) {
    case 'POST /faults/rest':
      return parse(restFaultSchema, body, ({ count: times, ...fault }) => {
        deps.restFaults.arm(fault, times);
        return done({ pending: deps.restFaults.pending() });
      });
    case 'POST /faults/stream':
      return parse(streamFaultSchema, body, ({ action }) => {
        if (action === 'drop') return done({ dropped: deps.stream.dropConnections() });
        if (action === 'malformed') return done({ sent: deps.stream.sendMalformedFrame() });
        deps.stream.setSilenced(action === 'silence');
        return done();
      });
    case 'POST /faults/events':
      return parse(eventFaultSchema, body, (fault) => {
        deps.stream.armEventFault(fault);
        return done();
      });
    case 'POST /faults/reject':
      return parse(rejectSchema, body, ({ count: times }) => {
        deps.engine.rejectNextOrders(times);
        return done();
      });
    case 'POST /faults/cancels':
      return parse(slowCancelSchema, body, ({ count: times, ms }) => {
        deps.engine.slowNextCancels(times, ms);
        return done();
      });
    case 'POST /faults/fill-before-cancel':
      return parse(fillBeforeCancelSchema, body, ({ count: times }) => {
        deps.engine.fillBeforeNextCancels(times);
        return done();
      });
    case 'DELETE /faults':
      deps.restFaults.clear();
      deps.stream.clearFaults();
      deps.engine.rejectNextOrders(0);
      deps.engine.slowNextCancels(0, 0);
      deps.engine.fillBeforeNextCancels(0);
      return done();
    case 'GET /calendar/closures':
      return done({ closures: deps.closedDates.list() });
    case 'POST /calendar/closures':
      return parse(closureSchema, body, ({ date }) => {
        deps.closedDates.add(date);
        return done({ closures: deps.closedDates.list() });
      });
    case 'DELETE /calendar/closures':
      deps.closedDates.clear();
      return done({ closures: [] });
    case 'GET /state':
      return done({
        open_orders: deps.engine.openOrders().length,
        stream_connections: deps.stream.connectionCount,
        pending_rest_faults: deps.restFaults.pending(),
        refused_requests: deps.refusedRequests(),
      });
    default: {
      const asset = /^PATCH \/assets\/(.+)$/.exec(route);
      if (asset === null) return { status: 404, body: { error: `no admin route ${route}` } };
      return parse(assetFlagsSchema, body, (flags) => {
        const updated = deps.assets.setFlags(decodeURIComponent(asset[1]!), flags);
        return updated === undefined
          ? { status: 404, body: { error: `unknown asset ${asset[1]}` } }
          : { status: 200, body: renderAsset(updated) };
      });
    }
  }
}
