/**
 * Alpaca's X-RateLimit-Limit / -Remaining / -Reset answer headers (Reset in epoch seconds), read
 * the same on the trading and the market-data API.
 */
import type { Dispatcher } from 'undici';
import type { VenueQuota } from '../../venue/venue-types.ts';

function numericHeader(headers: Dispatcher.ResponseData['headers'], name: string): number | null {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : null;
}

/** The quota an answer announced, or null when it carried none of the headers. */
export function rateLimitSnapshot(headers: Dispatcher.ResponseData['headers']): VenueQuota | null {
  // Node lower-cases header names, so X-Ratelimit-* and X-RateLimit-* read the same.
  const limit = numericHeader(headers, 'x-ratelimit-limit');
  const remaining = numericHeader(headers, 'x-ratelimit-remaining');
  const reset = numericHeader(headers, 'x-ratelimit-reset');
  if (limit === null && remaining === null && reset === null) return null;
  return { limit, remaining, resetAtMs: reset === null ? null : reset * 1000 };
}
