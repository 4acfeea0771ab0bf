/**
 * How a request to a venue fails, in terms the execution core decides on: refused after the
 * venue processed it (with the venue's status, numeric code and message), refused for the rate
 * limit (nothing happened; wait until the reset), or no usable answer — and then whether the
 * request may have reached the venue ('unknown': an order must be looked up by client_order_id,
 * never blindly resent) or certainly did not ('not_sent'). Each venue's adapter throws these (or
 * subclasses naming the venue); they never carry credentials.
 */

export interface VenueRequestContext {
  readonly method: string;
  /** The operation with ids left in (for HTTP venues the route, without host or query). */
  readonly route: string;
  readonly clientOrderId: string | null;
}

export abstract class VenueError extends Error {
  readonly method: string;
  readonly route: string;
  readonly clientOrderId: string | null;

  constructor(message: string, context: VenueRequestContext, options?: ErrorOptions) {
    super(`${context.method} ${context.route}: ${message}`, options);
    this.method = context.method;
    this.route = context.route;
    this.clientOrderId = context.clientOrderId;
  }
}

/** The venue answered with an error status: the request was processed and refused. */
export class VenueRejectedError extends VenueError {
  override readonly name: string = 'VenueRejectedError';
  readonly status: number;
  /** The venue's numeric code (Alpaca's 8 digits, 40310000 …), null when it gave none. */
  readonly code: number | null;
  readonly venueMessage: string;

  constructor(status: number, code: number | null, venueMessage: string, context: VenueRequestContext) {
    super(`HTTP ${status}${code === null ? '' : ` code ${code}`}: ${venueMessage}`, context);
    this.status = status;
    this.code = code;
    this.venueMessage = venueMessage;
  }

  /** 5xx: the venue failed; for an order submission the order may or may not exist. */
  get isServerError(): boolean {
    return this.status >= 500;
  }
}

/** The rate limit: the request was not processed; wait until resetAtMs (when the venue said). */
export class VenueRateLimitedError extends VenueRejectedError {
  override readonly name: string = 'VenueRateLimitedError';
  readonly resetAtMs: number | null;

  constructor(
    code: number | null,
    venueMessage: string,
    resetAtMs: number | null,
    context: VenueRequestContext,
  ) {
    super(429, code, venueMessage, context);
    this.resetAtMs = resetAtMs;
  }
}

/** The venue answered success with a body that does not match its documented shape. */
export class VenueInvalidResponseError extends VenueError {
  override readonly name: string = 'VenueInvalidResponseError';
  readonly status: number;
  /** What was wrong, field by field (never the body itself, which may hold account data). */
  readonly issues: readonly string[];

  constructor(status: number, issues: readonly string[], context: VenueRequestContext) {
    super(`unexpected response body (status ${status}): ${issues.slice(0, 5).join('; ')}`, context);
    this.status = status;
    this.issues = issues;
  }
}

export type DeliveryOutcome = 'not_sent' | 'unknown';

/** No usable answer: connection refused, reset, or timed out. */
export class VenueUnreachableError extends VenueError {
  override readonly name: string = 'VenueUnreachableError';
  readonly outcome: DeliveryOutcome;
  /** The underlying error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …). */
  readonly causeCode: string;

  constructor(outcome: DeliveryOutcome, causeCode: string, context: VenueRequestContext, cause: unknown) {
    super(`${outcome === 'not_sent' ? 'not sent' : 'outcome unknown'} (${causeCode})`, context, { cause });
    this.outcome = outcome;
    this.causeCode = causeCode;
  }
}

/** Errors after which the same request may be sent again as it is. */
export function isSafeToResend(error: unknown): boolean {
  if (error instanceof VenueRateLimitedError) return true;
  if (error instanceof VenueUnreachableError) return error.outcome === 'not_sent';
  return false;
}

/** Errors that leave it unknown whether a non-idempotent request (an order submission) took effect. */
export function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof VenueUnreachableError) return error.outcome === 'unknown';
  if (error instanceof VenueRateLimitedError) return false;
  return error instanceof VenueRejectedError && error.isServerError;
}
