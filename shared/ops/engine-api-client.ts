/**
 * The scheduled jobs' view of a running engine, through its HTTP API (`GET /health`, `GET
 * /status`): undici with a timeout, every answer validated. A failure is an EngineApiError saying
 * what went wrong (unreachable, timeout, status, malformed body), never the token.
 */
import { request } from 'undici';
import { z } from 'zod';
import { isLoopbackHost } from '../config/consistency-rules.ts';
import { ORDER_SIDES, ORDER_STATUSES } from '../domain/order.ts';
import { fixedText } from '../store/item-codec.ts';

export class EngineApiError extends Error {
  override readonly name = 'EngineApiError';
}

const healthSchema = z.object({
  status: z.enum(['starting', 'ok', 'degraded', 'fatal']),
  checks: z.record(z.string(), z.string()),
});
export type EngineHealthAnswer = z.infer<typeof healthSchema>;

const statusSchema = z.object({
  positions: z.array(z.object({ symbol: z.string().min(1), qty: fixedText, avgEntryPrice: fixedText })),
  openOrders: z.array(
    z.object({
      clientOrderId: z.string().min(1),
      symbol: z.string().min(1),
      side: z.enum(ORDER_SIDES),
      qty: fixedText,
      filledQty: fixedText,
      status: z.enum(ORDER_STATUSES),
      origin: z.string(),
    }),
  ),
  pnl: z.object({ realized: fixedText, unrealized: fixedText, daily: fixedText, sessionDate: z.string() }),
  exposure: z.object({ gross: fixedText, net: fixedText }),
  risk: z.object({ breaker: z.string(), reconciled: z.boolean() }),
});
export type EngineStatusAnswer = z.infer<typeof statusSchema>;

export interface EngineApiClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly baseUrl: string;
  /** Sent as a bearer token when set (a read token is enough). */
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
  health(): Promise<EngineHealthAnswer> {
    return this.#get('/health', healthSchema, [200, 503]);
  }

  status(): Promise<EngineStatusAnswer> {
    return this.#get('/status', statusSchema, [200]);
  }

  async #get<T>(path: string, schema: z.ZodType<T>, statuses: readonly number[]): Promise<T> {
    let status: number;
    let text: string;
    try {
      const response = await request(`${this.baseUrl}${path}`, {
        method: 'GET',
        headers: {
          accept: 'application/json',
          ...(this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` }),
        },
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new EngineApiError(
        `engine API GET ${path} at ${this.baseUrl} did not answer (${typeof code === 'string' ? code : String(error)})`,
      );
    }
    if (!statuses.includes(status)) {
      throw new EngineApiError(`engine API GET ${path} answered HTTP ${status}: ${text.slice(0, 200)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new EngineApiError(`engine API GET ${path} answered a body that is not JSON`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
      );
      throw new EngineApiError(`engine API GET ${path} answered an unexpected body: ${problems.join('; ')}`);
    }
    return parsed.data;
  }
}
