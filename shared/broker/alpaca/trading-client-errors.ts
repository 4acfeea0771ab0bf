/**
 * How an Alpaca trading API call fails: the venue port's errors (shared/venue/venue-errors.ts),
 * named for Alpaca, carrying the HTTP status, Alpaca's numeric code and message, the route and
 * the order's client_order_id. They never carry headers, so the keys cannot leak through an
 * error log.
 *
 * The distinction that matters most is `outcome` on a network failure: 'not_sent' (the
 * connection was never made — safe to send again) versus 'unknown' (the request may have reached
 * Alpaca — an order POST must be looked up by client_order_id, never blindly resent).
 */
import {
  VenueInvalidResponseError,
  VenueRateLimitedError,
  VenueRejectedError,
  type VenueRequestContext,
  VenueUnreachableError,
} from '../../venue/venue-errors.ts';

export { isOutcomeUnknown, isSafeToResend } from '../../venue/venue-errors.ts';
export type RequestContext = VenueRequestContext;

/** The broker answered with an error status: the request was processed and refused. */
export class AlpacaApiError extends VenueRejectedError {
  override readonly name: string = 'AlpacaApiError';
}

/** HTTP 429: the request was not processed; wait until resetAtMs (when the server said). */
export class AlpacaRateLimitError extends VenueRateLimitedError {
  override readonly name: string = 'AlpacaRateLimitError';
}

/** No usable answer: connection refused, reset, or timed out. */
export class AlpacaNetworkError extends VenueUnreachableError {
  override readonly name: string = 'AlpacaNetworkError';
}

/** The broker answered 2xx with a body that does not match Alpaca's documented shape. */
export class AlpacaResponseError extends VenueInvalidResponseError {
  override readonly name: string = 'AlpacaResponseError';
}
