/**
 * The engine's HTTP API server on node:http: finds the route by method and path template, then
 * does what every route needs in one place — the caller's bearer token and its role (compared in
 * constant time), a request budget per caller (429), a bounded JSON body validated against the
 * route's schema (400 naming each field), the Idempotency-Key of actions — and writes the route's
 * answer. Every answer is counted by route and status. No answer carries a stack trace: a handler
 * that throws is a 500 with a fixed message, and the error goes to the log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Counter } from 'prom-client';
import type { z } from 'zod';
import { roleAllows } from '../../shared/api/api-roles.ts';
import type { RoleTokens, TokenMatcher } from '../../shared/api/api-tokens.ts';
import { readBearerToken } from '../../shared/api/bearer-token.ts';
import { IDEMPOTENCY_KEY } from '../../shared/api/engine-api-schemas.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { Caller, RouteAnswer, RouteDefinition } from './api-route.ts';
import { errorBody } from './api-route.ts';
import type { IdempotencyCache } from './idempotency-cache.ts';
import type { RequestRateLimiter } from './request-rate-limiter.ts';

export const MAX_BODY_BYTES = 16 * 1024;
const HEARTBEAT_MS = 15_000;

export interface HttpApiOptions {
  readonly host: string;
  readonly port: number;
  readonly routes: readonly RouteDefinition[];
  readonly tokens: RoleTokens;
  readonly matchToken: TokenMatcher;
  readonly rateLimiter: RequestRateLimiter;
  readonly idempotency: IdempotencyCache<RouteAnswer>;
  readonly logger: Logger;
  readonly responses?: Counter<'route' | 'status'>;
}

export interface HttpApi {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

class RequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;
  constructor(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

interface CompiledRoute {
  readonly definition: RouteDefinition;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
}

function compile(definition: RouteDefinition): CompiledRoute {
  const paramNames: string[] = [];
  const source = definition.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { definition, pattern: new RegExp(`^${source}$`), paramNames };
}

function invalid(where: string, error: z.ZodError): RequestError {
  return new RequestError(400, 'invalid_request', `the request ${where} is invalid`, {
    issues: error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      rule: issue.message,
    })),
  });
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new RequestError(413, 'body_too_large', `the request body is over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new RequestError(413, 'body_too_large', `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('application/json'))
    throw new RequestError(415, 'unsupported_media_type', 'send the body as application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const routes = options.routes.map(compile);
  const log = options.logger;

  const find = (method: string, path: string) => {
    let pathKnown = false;
    for (const candidate of routes) {
      const match = candidate.pattern.exec(path);
      if (match === null) continue;
      pathKnown = true;
      if (candidate.definition.method !== method) continue;
      const params: Record<string, string> = {};
      candidate.paramNames.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1]!);
      });
      return { route: candidate.definition, params, pathKnown };
    }
    return { route: undefined, params: {}, pathKnown };
  };

  /** The caller a token makes, or a refusal; public routes need none. */
  const identify = (request: IncomingMessage): Caller | 'unknown' | 'none' => {
    const presented = readBearerToken(request.headers.authorization);
    if (!presented.ok) return presented.reason === 'missing_token' ? 'none' : 'unknown';
    return options.matchToken(presented.token, options.tokens) ?? 'unknown';
  };

  const handle = async (
    request: IncomingMessage,
    url: URL,
    route: RouteDefinition,
    params: Record<string, string>,
  ) => {
    const caller = identify(request);
    // Public routes (probes, the page, the document) are cheap and carry nothing secret: a flood of
    // guessed tokens must not make the orchestrator's health probe fail. Unknown and missing tokens
    // share one budget, so guessing tokens is slow for everyone who guesses.
    const waitMs =
      route.role === 'public'
        ? 0
        : options.rateLimiter.take(caller === 'none' || caller === 'unknown' ? 'anonymous' : caller);
    if (waitMs > 0)
      throw new RequestError(
        429,
        'rate_limited',
        `too many requests; retry in ${Math.ceil(waitMs / 1000)} s`,
        {
          retryAfterSeconds: Math.ceil(waitMs / 1000),
        },
      );
    let effective: Caller = 'public';
    if (route.role !== 'public') {
      if (caller === 'none')
        throw new RequestError(401, 'unauthorized', `${route.method} ${route.path} needs a bearer token`);
      if (caller === 'unknown' || caller === 'public')
        throw new RequestError(401, 'unauthorized', 'the bearer token is not one this engine knows');
      if (!roleAllows(caller, route.role))
        throw new RequestError(
          403,
          'forbidden',
          `${route.method} ${route.path} needs the ${route.role} role; the token has ${caller}`,
        );
      effective = caller;
    }
    const raw = await readBody(request);
    if (raw !== undefined && route.body === undefined)
      throw new RequestError(400, 'invalid_request', `${route.method} ${route.path} takes no body`);
    const parsedParams = route.params?.safeParse(params);
    if (parsedParams !== undefined && !parsedParams.success) throw invalid('path', parsedParams.error);
    const parsedQuery = (route.query ?? undefined)?.safeParse(Object.fromEntries(url.searchParams));
    if (parsedQuery !== undefined && !parsedQuery.success) throw invalid('query', parsedQuery.error);
    const parsedBody = route.body?.safeParse(raw ?? {});
    if (parsedBody !== undefined && !parsedBody.success) throw invalid('body', parsedBody.error);

    const headerKey = request.headers['idempotency-key'];
    const idempotencyKey =
      route.idempotency !== undefined && typeof headerKey === 'string' ? headerKey : undefined;
    const act = async () =>
      route.handle({
        params,
        query: parsedQuery?.data,
        body: parsedBody?.data,
        caller: effective,
        idempotencyKey,
      });
    if (idempotencyKey === undefined) {
      if (route.idempotency === 'required')
        throw new RequestError(
          400,
          'idempotency_key_required',
          `${route.method} ${route.path} needs an Idempotency-Key header (8-128 letters, digits, - or _), so a retry cannot act twice`,
        );
      return { answer: await act(), replayed: false };
    }
    if (!IDEMPOTENCY_KEY.test(idempotencyKey))
      throw new RequestError(400, 'invalid_request', 'the Idempotency-Key header is invalid', {
        issues: [{ path: 'header.Idempotency-Key', rule: 'must be 8-128 letters, digits, - or _' }],
      });
    // A key belongs to the role that used it, so one caller's keys cannot replay another's answers.
    const fingerprint = `${route.method} ${url.pathname} ${JSON.stringify(raw ?? null)}`;
    const run = options.idempotency.run(`${effective}:${idempotencyKey}`, fingerprint, act);
    if (run.kind === 'conflict')
      throw new RequestError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was used for a different request; use a new key',
      );
    return { answer: await run.answer, replayed: run.kind === 'replay' };
  };

  const server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://engine');
    } catch {
      url = new URL('http://engine/');
    }
    const { route, params, pathKnown } = find(method, url.pathname);
    const label = route === undefined ? 'unmatched' : `${route.method} ${route.path}`;
    const write = (answer: RouteAnswer, headers: Record<string, string> = {}) => {
      options.responses?.inc({ route: label, status: String(answer.status) });
      if ('events' in answer) {
        streamEvents(response, answer.events);
        return;
      }
      const text = 'text' in answer ? answer.text : JSON.stringify(answer.body);
      response.writeHead(answer.status, {
        'content-type': 'text' in answer ? answer.contentType : 'application/json',
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...headers,
      });
      response.end(text);
    };
    if (route === undefined) {
      request.resume();
      write(
        pathKnown
          ? {
              status: 405,
              body: errorBody('method_not_allowed', `${method} is not allowed on ${url.pathname}`),
            }
          : { status: 404, body: errorBody('not_found', `no route ${url.pathname}`) },
      );
      return;
    }
    handle(request, url, route, params).then(
      ({ answer, replayed }) => write(answer, replayed ? { 'idempotent-replayed': 'true' } : {}),
      (error: unknown) => {
        if (error instanceof RequestError) {
          request.resume();
          const retry = error.extra.retryAfterSeconds;
          const headers: Record<string, string> =
            error.status === 401
              ? { 'www-authenticate': 'Bearer' }
              : error.status === 413
                ? { connection: 'close' }
                : {};
          if (typeof retry === 'number') headers['retry-after'] = String(retry);
          write({ status: error.status, body: errorBody(error.code, error.message, error.extra) }, headers);
          return;
        }
        log.error({ err: error, route: label }, 'API route failed');
        write({
          status: 500,
          body: errorBody('internal_error', 'the engine could not complete the request'),
        });
      },
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Server-sent events until the client goes away; a comment line now and then keeps proxies from closing it. */
function streamEvents(
  response: ServerResponse,
  events: (send: (event: string, data: unknown) => void) => () => void,
): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  });
  response.flushHeaders();
  const send = (event: string, data: unknown): void => {
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const stop = events(send);
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = (): void => {
    clearInterval(heartbeat);
    stop();
  };
  // The response's close, not the request's: a request emits 'close' once its (empty) body has
  // been read, long before the client goes, so the timer and the fill listener would outlive it.
  response.once('close', end);
}
