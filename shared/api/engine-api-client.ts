/**
 * A client of the engine's API (the CLI, the scheduled jobs, tests): undici with a timeout, every
 * answer validated against the contract's schemas. A failure is an EngineApiError saying what went
 * wrong (unreachable, timeout, status, malformed body) and carrying the HTTP status and the API's
 * error code when there was one — never the token.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { z } from 'zod';
import { isLoopbackHost } from '../config/consistency-rules.ts';
import {
  type ActionRequest,
  breakerResetAnswer,
  closePositionAnswer,
  errorAnswer,
  fillsAnswer,
  healthAnswer,
  killSwitchAnswer,
  manualOrderAnswer,
  type manualOrderRequest,
  ordersAnswer,
  pnlAnswer,
  positionsAnswer,
  readyAnswer,
  riskAnswer,
  statusAnswer,
  strategiesAnswer,
  strategyActionAnswer,
} from './engine-api-schemas.ts';

export class EngineApiError extends Error {
  override readonly name = 'EngineApiError';
  /** The HTTP status, when the engine answered. */
  readonly status: number | null;
  /** The API's error code (unauthorized, forbidden, invalid_request, a risk refusal…), when it gave one. */
  readonly code: string | null;
  readonly issues: readonly { readonly path: string; readonly rule: string }[];

  constructor(
    message: string,
    details: { status?: number; code?: string; issues?: readonly { path: string; rule: string }[] } = {},
  ) {
    super(message);
    this.status = details.status ?? null;
    this.code = details.code ?? null;
    this.issues = details.issues ?? [];
  }
}

export type EngineHealthAnswer = z.infer<typeof healthAnswer>;
export type EngineStatusAnswer = z.infer<typeof statusAnswer>;

export interface EngineApiClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly baseUrl: string;
  /** Sent as a bearer token when set. */
  readonly token?: string;
  readonly timeoutMs?: number;
}

/** The API carries a bearer token: off loopback it must be https. */
function checkedBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new EngineApiError(`engine API URL ${url.origin} must be https (plain http only on loopback)`);
  }
  return baseUrl.replace(/\/+$/, '');
}

interface Call<T> {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly schema: z.ZodType<T>;
  readonly statuses: readonly number[];
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

export class EngineApiClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: EngineApiClientOptions) {
    this.baseUrl = checkedBaseUrl(options.baseUrl);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** The engine's health; 503 is an answer here (status `fatal`), not an error. */
  health() {
    return this.#call({ method: 'GET', path: '/health', schema: healthAnswer, statuses: [200, 503] });
  }

  /** Readiness; 503 (not ready) is an answer here, with its reasons. */
  ready() {
    return this.#call({ method: 'GET', path: '/ready', schema: readyAnswer, statuses: [200, 503] });
  }

  status() {
    return this.#get('/status', statusAnswer);
  }

  positions() {
    return this.#get('/positions', positionsAnswer);
  }

  orders(list: 'open' | 'closed' | 'all' = 'open') {
    return this.#get(`/orders?status=${list}`, ordersAnswer);
  }

  fills() {
    return this.#get('/fills', fillsAnswer);
  }

  pnl() {
    return this.#get('/pnl', pnlAnswer);
  }

  risk() {
    return this.#get('/risk', riskAnswer);
  }

  strategies() {
    return this.#get('/strategies', strategiesAnswer);
  }

  /** A manual order; the key (a fresh one by default) makes a retry of this call act once. */
  placeOrder(order: z.input<typeof manualOrderRequest>, idempotencyKey: string = randomUUID()) {
    return this.#call({
      method: 'POST',
      path: '/orders',
      schema: manualOrderAnswer,
      statuses: [201],
      body: order,
      idempotencyKey,
    });
  }

  closePosition(symbol: string, action: ActionRequest, idempotencyKey?: string) {
    return this.#action(
      'DELETE',
      `/positions/${encodeURIComponent(symbol)}`,
      closePositionAnswer,
      action,
      idempotencyKey,
      202,
    );
  }

  killSwitch(action: ActionRequest, idempotencyKey?: string) {
    return this.#action('POST', '/kill-switch', killSwitchAnswer, action, idempotencyKey);
  }

  resetCircuitBreaker(action: ActionRequest, idempotencyKey?: string) {
    return this.#action('POST', '/circuit-breaker/reset', breakerResetAnswer, action, idempotencyKey);
  }

  setStrategyEnabled(id: string, enabled: boolean, action: ActionRequest, idempotencyKey?: string) {
    const path = `/strategies/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`;
    return this.#action('POST', path, strategyActionAnswer, action, idempotencyKey);
  }

  /** The Prometheus exposition text. */
  async metrics(): Promise<string> {
    const { status, text } = await this.#send('GET', '/metrics');
    if (status !== 200) throw this.#failure('GET', '/metrics', status, text);
    return text;
  }

  #get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.#call({ method: 'GET', path, schema, statuses: [200] });
  }

  #action<T>(
    method: 'POST' | 'DELETE',
    path: string,
    schema: z.ZodType<T>,
    action: ActionRequest,
    idempotencyKey: string | undefined,
    status = 200,
  ): Promise<T> {
    return this.#call({
      method,
      path,
      schema,
      statuses: [status],
      body: action,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
  }

  async #send(
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<{ status: number; text: string }> {
    try {
      const response = await request(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      return { status: response.statusCode, text: await response.body.text() };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new EngineApiError(
        `engine API ${method} ${path} at ${this.baseUrl} did not answer (${typeof code === 'string' ? code : String(error)})`,
      );
    }
  }

  #failure(method: string, path: string, status: number, text: string): EngineApiError {
    let parsed: z.infer<typeof errorAnswer> | undefined;
    try {
      const result = errorAnswer.safeParse(JSON.parse(text));
      parsed = result.success ? result.data : undefined;
    } catch {
      parsed = undefined;
    }
    const said = parsed === undefined ? text.slice(0, 200) : `${parsed.error}: ${parsed.message}`;
    return new EngineApiError(`engine API ${method} ${path} answered HTTP ${status}: ${said}`, {
      status,
      ...(parsed === undefined
        ? {}
        : { code: parsed.error, ...(parsed.issues === undefined ? {} : { issues: parsed.issues }) }),
    });
  }

  async #call<T>(call: Call<T>): Promise<T> {
    const { method, path } = call;
    const { status, text } = await this.#send(method, path, call.body, call.idempotencyKey);
    if (!call.statuses.includes(status)) throw this.#failure(method, path, status, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new EngineApiError(`engine API ${method} ${path} answered a body that is not JSON`, { status });
    }
    const parsed = call.schema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
      );
      throw new EngineApiError(
        `engine API ${method} ${path} answered an unexpected body: ${problems.join('; ')}`,
        {
          status,
        },
      );
    }
    return parsed.data;
  }
}
