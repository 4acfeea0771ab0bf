/**
 * The API's request budget per caller (each role's token, and one shared budget for requests
 * without a known token): a token bucket that refills continuously, so a script in a loop or a
 * token-guessing client gets 429s while everyone else carries on.
 */
import type { Clock } from '../../shared/time/clock.ts';

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class RequestRateLimiter {
  readonly #clock: Clock;
  readonly #perMinute: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, Bucket>();

  /** `perMinute` requests a minute on average, at most `burst` at once. */
  constructor(clock: Clock, perMinute: number, burst = Math.max(1, Math.ceil(perMinute / 6))) {
    this.#clock = clock;
    this.#perMinute = perMinute;
    this.#burst = burst;
  }

  /** 0 when the caller may go now (and the request is counted); else the ms until it may. */
  take(caller: string): number {
    const nowMs = this.#clock.nowMs();
    let bucket = this.#buckets.get(caller);
    if (bucket === undefined) {
      bucket = { tokens: this.#burst, updatedAtMs: nowMs };
      this.#buckets.set(caller, bucket);
    }
    const elapsed = Math.max(0, nowMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (elapsed * this.#perMinute) / 60_000);
    bucket.updatedAtMs = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 60_000) / this.#perMinute);
  }
}
