/**
 * Alpaca's REST quotas: 200 requests per minute per API key on the trading API and, as a
 * separate budget, on the market-data API (Basic plan). Beyond it Alpaca answers 429, and its
 * answers carry X-RateLimit-Limit / -Remaining / -Reset (epoch seconds when the window
 * resets). A fixed window that opens at a key's first request; on a virtual clock it moves
 * with virtual time. Each API holds its own limiter, so one budget never draws on the other.
 */
import type { Clock } from '../../shared/time/clock.ts';
import { apiErrors, errorBody } from '../trading/api-error.ts';
import type { HttpReply } from './http-io.ts';

/** Requests per minute per key on both APIs, Alpaca's default (trading; data on Basic). */
export const ALPACA_REQUESTS_PER_MINUTE = 200;

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** When the window resets, on whole seconds as X-RateLimit-Reset tells it (epoch ms). */
  readonly resetAtMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

const WINDOW_MS = 60_000;

export class RateLimiter {
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #windows = new Map<string, { startMs: number; used: number }>();

  constructor(clock: Clock, limitPerMinute: number) {
    this.#clock = clock;
    this.#limit = limitPerMinute;
  }

  take(key: string): RateLimitDecision {
    const now = this.#clock.nowMs();
    let window = this.#windows.get(key);
    if (window === undefined || now >= window.startMs + WINDOW_MS) {
      window = { startMs: now, used: 0 };
      this.#windows.set(key, window);
    }
    const allowed = window.used < this.#limit;
    if (allowed) window.used++;
    const resetSeconds = Math.ceil((window.startMs + WINDOW_MS) / 1000);
    return {
      allowed,
      resetAtMs: resetSeconds * 1000,
      headers: {
        'X-RateLimit-Limit': String(this.#limit),
        'X-RateLimit-Remaining': String(this.#limit - window.used),
        'X-RateLimit-Reset': String(resetSeconds),
      },
    };
  }
}

/** The answer to a request beyond the quota, the same on the trading and the data API. */
export function rateLimitedReply(decision: RateLimitDecision): HttpReply {
  return { status: 429, body: errorBody(apiErrors.rateLimited()), headers: decision.headers };
}
