/**
 * The engine's API assembled: its routes over an EngineControl, the OpenAPI document generated
 * from them, the role tokens, a request budget per token and the idempotency cache. main.ts
 * starts it on the configured address; tests start it on an ephemeral port.
 */
import { Counter, Registry } from 'prom-client';
import { type RoleTokens, tokenMatcher } from '../../shared/api/api-tokens.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { RouteAnswer } from './api-route.ts';
import { apiRoutes } from './api-routes.ts';
import type { EngineControl } from './engine-control.ts';
import { type HttpApi, startHttpApi } from './http-server.ts';
import { IdempotencyCache } from './idempotency-cache.ts';
import { openApiDocument } from './openapi-document.ts';
import { RequestRateLimiter } from './request-rate-limiter.ts';

export interface EngineApiOptions {
  readonly host: string;
  readonly port: number;
  readonly control: EngineControl;
  readonly registry: Registry;
  readonly tokens: RoleTokens;
  readonly requestsPerMinute: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dashboardPage?: () => string;
}

export function engineApiRoutes(options: Pick<EngineApiOptions, 'control' | 'registry' | 'dashboardPage'>) {
  let document: Record<string, unknown> | undefined;
  const routes = apiRoutes({
    control: options.control,
    metrics: options.registry,
    ...(options.dashboardPage === undefined ? {} : { dashboardPage: options.dashboardPage }),
    openApi: () => {
      document ??= openApiDocument(routes);
      return document;
    },
  });
  return routes;
}

/** The OpenAPI document of every route, the page included (what a running engine serves). */
export function engineApiDocument(): Record<string, unknown> {
  const unused = (): never => {
    throw new Error('the document is built from the route definitions alone');
  };
  const routes = engineApiRoutes({
    control: new Proxy({} as EngineControl, { get: unused }),
    registry: new Registry(),
    dashboardPage: unused,
  });
  return openApiDocument(routes);
}

export function startEngineApi(options: EngineApiOptions): Promise<HttpApi> {
  const responses = new Counter({
    name: 'engine_api_responses_total',
    help: 'Engine API responses by route and status',
    labelNames: ['route', 'status'],
    registers: [options.registry],
  });
  return startHttpApi({
    host: options.host,
    port: options.port,
    routes: engineApiRoutes(options),
    tokens: options.tokens,
    matchToken: tokenMatcher(),
    rateLimiter: new RequestRateLimiter(options.clock, options.requestsPerMinute),
    idempotency: new IdempotencyCache<RouteAnswer>(options.clock),
    logger: options.logger,
    responses,
  });
}
