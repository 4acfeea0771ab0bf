/**
 * What a route of the engine's API is: its method and path template, the role it needs, the
 * schemas of its parameters, body and answers (from which the OpenAPI document is generated), and
 * its handler. The server does everything common — authentication, rate limit, body limits,
 * validation, idempotency — so a handler only sees a valid request from an allowed caller.
 */
import type { z } from 'zod';
import type { ApiRole } from '../../shared/api/api-roles.ts';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** Who called: the role of the token presented, or `public` on a route that needs none. */
export type Caller = ApiRole | 'public';

export interface RouteRequest<Body = unknown, Query = unknown> {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Query;
  readonly body: Body;
  readonly caller: Caller;
  /** The request's Idempotency-Key, on routes that take one. */
  readonly idempotencyKey: string | undefined;
}

/** A stream of server-sent events: `send` writes one event; the returned function is called on close. */
export type EventStream = (send: (event: string, data: unknown) => void) => () => void;

export type RouteAnswer =
  | { readonly status: number; readonly body: unknown }
  | { readonly status: number; readonly text: string; readonly contentType: string }
  | { readonly status: 200; readonly events: EventStream };

export interface AnswerSpec {
  readonly description: string;
  /** JSON answers; absent with `contentType` for text. */
  readonly schema?: z.ZodType;
  readonly contentType?: string;
}

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** OpenAPI path template, e.g. /positions/{symbol}. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly role: ApiRole | 'public';
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Actions take an Idempotency-Key; `required` where a retry without one could act twice. */
  readonly idempotency?: 'optional' | 'required';
  /** Success and route-specific failures; the common ones (400, 401, 403, 413, 415, 429, 500) are added. */
  readonly answers: Readonly<Record<number, AnswerSpec>>;
  handle(request: RouteRequest): RouteAnswer | Promise<RouteAnswer>;
}

/**
 * A route whose handler sees its body, query and parameters as their schemas' outputs: the server
 * calls the handler only with values those schemas accepted.
 */
export function route<
  Body extends z.ZodType = z.ZodUndefined,
  Query extends z.ZodObject = z.ZodObject<Record<string, never>>,
>(
  definition: Omit<RouteDefinition, 'body' | 'query' | 'handle'> & {
    readonly body?: Body;
    readonly query?: Query;
    handle(request: RouteRequest<z.output<Body>, z.output<Query>>): RouteAnswer | Promise<RouteAnswer>;
  },
): RouteDefinition {
  return definition as RouteDefinition;
}

export function errorBody(error: string, message: string, extra: Record<string, unknown> = {}) {
  return { error, message, ...extra };
}
