/**
 * Every way a trading API call fails, as typed errors carrying what a caller decides on: the HTTP
 * status, Alpaca's numeric code and message, the route, and the order's client_order_id. They
 * never carry headers, so the keys cannot leak through an error log.
 *
 * The distinction that matters most is `outcome` on a network failure: 'not_sent' (the
 * connection was never made — safe to send again) versus 'unknown' (the request may have reached
 * Alpaca — an order POST must be looked up by client_order_id, never blindly resent).
 */

export interface RequestContext {
  readonly method: string;
  /** The route with ids left in, without the host or query (no secrets live there). */
  readonly route: string;
  readonly clientOrderId: string | null;
}

abstract class AlpacaTradingError extends Error {
  readonly method: string;
  readonly route: string;
  readonly clientOrderId: string | null;

  constructor(message: string, context: RequestContext, options?: ErrorOptions) {
    super(`${context.method} ${context.route}: ${message}`, options);
    this.method = context.method;
    this.route = context.route;
    this.clientOrderId = context.clientOrderId;
  }
}

/** The broker answered with an error status: the request was processed and refused. */
export class AlpacaApiError extends AlpacaTradingError {
  override readonly name: string = 'AlpacaApiError';
  readonly status: number;
  /** Alpaca's 8-digit code (40310000 …), null when the body had none. */
  readonly code: number | null;
  readonly alpacaMessage: string;

  constructor(status: number, code: number | null, alpacaMessage: string, context: RequestContext) {
    super(`HTTP ${status}${code === null ? '' : ` code ${code}`}: ${alpacaMessage}`, context);
    this.status = status;
    this.code = code;
    this.alpacaMessage = alpacaMessage;
  }

  /** 5xx: the server failed; for an order POST the order may or may not exist. */
  get isServerError(): boolean {
    return this.status >= 500;
  }
}

/** HTTP 429: the request was not processed; wait until resetAtMs (when the server said). */
export class AlpacaRateLimitError extends AlpacaApiError {
  override readonly name: string = 'AlpacaRateLimitError';
  readonly resetAtMs: number | null;

  constructor(code: number | null, alpacaMessage: string, resetAtMs: number | null, context: RequestContext) {
    super(429, code, alpacaMessage, context);
    this.resetAtMs = resetAtMs;
  }
}

export type NetworkOutcome = 'not_sent' | 'unknown';

/** No usable answer: connection refused, reset, or timed out. */
export class AlpacaNetworkError extends AlpacaTradingError {
  override readonly name: string = 'AlpacaNetworkError';
  readonly outcome: NetworkOutcome;
  /** The underlying error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …). */
  readonly causeCode: string;

  constructor(outcome: NetworkOutcome, causeCode: string, context: RequestContext, cause: unknown) {
    super(
      `${outcome === 'not_sent' ? 'not sent' : 'outcome unknown'} (${causeCode})`,
      context,
      // The cause is kept for stack traces; undici errors carry no request headers.
      { cause },
    );
    this.outcome = outcome;
    this.causeCode = causeCode;
  }
}

/** The broker answered 2xx with a body that does not match Alpaca's documented shape. */
export class AlpacaResponseError extends AlpacaTradingError {
  override readonly name: string = 'AlpacaResponseError';
  readonly status: number;
  /** What was wrong, field by field (never the body itself, which may hold account data). */
  readonly issues: readonly string[];

  constructor(status: number, issues: readonly string[], context: RequestContext) {
    super(`unexpected response body (HTTP ${status}): ${issues.slice(0, 5).join('; ')}`, context);
    this.status = status;
    this.issues = issues;
  }
}

/** Errors after which the same request may be sent again as it is. */
export function isSafeToResend(error: unknown): boolean {
  if (error instanceof AlpacaRateLimitError) return true;
  if (error instanceof AlpacaNetworkError) return error.outcome === 'not_sent';
  return false;
}

/** Errors that leave it unknown whether a non-idempotent request (an order POST) took effect. */
export function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof AlpacaNetworkError) return error.outcome === 'unknown';
  if (error instanceof AlpacaRateLimitError) return false;
  return error instanceof AlpacaApiError && error.isServerError;
}
