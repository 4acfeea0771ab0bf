/**
 * Alpaca's trading API quota: 200 requests per minute per API key, answered with 429 beyond it,
 * with X-RateLimit-Limit / -Remaining / -Reset (epoch seconds when the window resets) on every
 * response. A fixed window that opens at a key's first request; on a virtual clock it moves
 * with virtual time.
 */
import type { Clock } from '../../shared/time/clock.ts';

export interface RateLimitDecision {
  readonly allowed: boolean;
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
    return {
      allowed,
      headers: {
        'X-RateLimit-Limit': String(this.#limit),
        'X-RateLimit-Remaining': String(this.#limit - window.used),
        'X-RateLimit-Reset': String(Math.ceil((window.startMs + WINDOW_MS) / 1000)),
      },
    };
  }
}
