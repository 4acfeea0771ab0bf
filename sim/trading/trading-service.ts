/**
 * The trading half of the simulator as one SimService: trading REST under /v2 (with Alpaca's
 * key headers, the 200/min rate limit and armed REST faults), the trade-updates stream at
 * /stream, and the /admin/trading control surface.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../shared/logging/logger.ts';
import { type RestFault, RestFaults } from '../faults/rest-faults.ts';
import { ADMIN_TRADING_PREFIX, handleTradingAdmin } from '../faults/trading-admin.ts';
import { authenticateRequest } from '../http/auth.ts';
import { type HttpReply, readJsonBody, writeReply } from '../http/http-io.ts';
import { RateLimiter, rateLimitedReply } from '../http/rate-limiter.ts';
import type { SimService } from '../service.ts';
import { TradeUpdatesStream } from '../stream/trade-updates-stream.ts';
import { apiErrors, errorBody } from './api-error.ts';
import type { AssetCatalog } from './asset-catalog.ts';
import type { MatchingEngine } from './matching-engine.ts';
import { handleTradingRequest, isTradingPath, type TradingApi } from './trading-routes.ts';
import { createVenueCore, type VenueCoreOptions } from './venue-core.ts';

export const TRADE_UPDATES_PATH = '/stream';

export interface TradingServiceOptions extends VenueCoreOptions {
  readonly rateLimitPerMinute: number;
  readonly logger: Logger;
}

export interface TradingService extends SimService {
  readonly engine: MatchingEngine;
  readonly stream: TradeUpdatesStream;
  readonly restFaults: RestFaults;
  readonly assets: AssetCatalog;
  /** Trading REST requests refused so far, by HTTP status (injected faults not included). */
  refusedRequests(): Record<string, number>;
}

function faultReply(fault: RestFault): HttpReply {
  const known: Record<number, ReturnType<typeof apiErrors.internal>> = {
    429: apiErrors.rateLimited(),
    500: apiErrors.internal(),
    503: apiErrors.unavailable(),
  };
  const apiError = known[fault.status] ?? {
    status: fault.status,
    code: fault.status * 100_000 + 10_000,
    message: 'simulated fault',
  };
  return {
    status: fault.status,
    body: errorBody(fault.message === undefined ? apiError : { ...apiError, message: fault.message }),
  };
}

export function createTradingService(options: TradingServiceOptions): TradingService {
  const { context, scheduler, logger } = options;
  const { engine, account, session, assets } = createVenueCore(options);
  const stream = new TradeUpdatesStream({ credentials: context.credentials, scheduler });
  engine.onEvent((event) => stream.publish(event));
  const restFaults = new RestFaults();
  const limiter = new RateLimiter(context.clock, options.rateLimitPerMinute);
  const api: TradingApi = { clock: context.clock, engine, account, session, assets };
  // Refused requests by HTTP status: bad input is answered and counted, never thrown.
  const refusals = new Map<number, number>();
  const refusedRequests = (): Record<string, number> => Object.fromEntries(refusals);
  const answer = (response: ServerResponse, reply: HttpReply): void => {
    if (reply.status >= 400) refusals.set(reply.status, (refusals.get(reply.status) ?? 0) + 1);
    writeReply(response, reply);
  };
  const admin = { engine, stream, restFaults, assets, refusedRequests, closedDates: options.closedDates };

  async function serveAdmin(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const body = await readJsonBody(request);
    if (!body.ok) {
      writeReply(response, {
        status: 400,
        body: { error: `request body is ${body.reason === 'too_large' ? 'too large' : 'not JSON'}` },
      });
      return;
    }
    writeReply(response, handleTradingAdmin(admin, request.method ?? 'GET', url.pathname, body.value));
  }

  async function serveTrading(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const fault = restFaults.take(method, url.pathname);
    if (fault?.when === 'before') {
      if (fault.kind === 'status') writeReply(response, faultReply(fault));
      return;
    }
    const authentication = authenticateRequest(context.credentials, request.headers);
    if (authentication.kind === 'missing') {
      answer(response, { status: 403, body: { message: 'forbidden.' } });
      return;
    }
    if (authentication.kind === 'wrong') {
      answer(response, { status: 401, body: errorBody(apiErrors.unauthorized()) });
      return;
    }
    const quota = limiter.take(authentication.keyId);
    if (!quota.allowed) {
      answer(response, rateLimitedReply(quota));
      return;
    }
    let bodyValue: unknown;
    if (method === 'POST' || method === 'PATCH') {
      const body = await readJsonBody(request);
      if (!body.ok) {
        answer(response, {
          status: 400,
          body: errorBody(apiErrors.malformedBody()),
          headers: quota.headers,
        });
        return;
      }
      bodyValue = body.value;
    } else {
      request.resume();
    }
    const reply = handleTradingRequest(api, {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: bodyValue,
    });
    if (fault?.when === 'after') {
      if (fault.kind === 'status') writeReply(response, faultReply(fault));
      return;
    }
    answer(response, { ...reply, headers: { ...reply.headers, ...quota.headers } });
  }

  function guarded(run: Promise<void>, response: ServerResponse): void {
    run.catch((error: unknown) => {
      logger.error({ err: error }, 'trading request failed');
      writeReply(response, { status: 500, body: errorBody(apiErrors.internal()) });
    });
  }

  return {
    engine,
    stream,
    restFaults,
    assets,
    refusedRequests,
    handleRequest(request, response, url) {
      if (url.pathname.startsWith(`${ADMIN_TRADING_PREFIX}/`)) {
        guarded(serveAdmin(request, response, url), response);
        return true;
      }
      if (!isTradingPath(url.pathname)) return false;
      guarded(serveTrading(request, response, url), response);
      return true;
    },
    handleUpgrade(request, socket, head, url) {
      if (url.pathname !== TRADE_UPDATES_PATH) return false;
      stream.handleUpgrade(request, socket, head);
      return true;
    },
    async close() {
      engine.close();
      await stream.close();
    },
  };
}
