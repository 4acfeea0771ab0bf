/**
 * The trading API's request budget as a token bucket: Alpaca allows 200 requests per minute per
 * key, so the bucket holds up to `limit` tokens and refills at limit/60 per second. The server
 * is the authority — other processes (Lambdas) spend the same key's budget — so its
 * X-RateLimit-Remaining caps our count and a 429 or a zero remaining empties the bucket until
 * X-RateLimit-Reset.
 *
 * Priorities: the lower-priority kinds cannot spend the last tokens, so a burst of new entries
 * always leaves room for the cancels and risk exits that follow it.
 */
import type { Clock } from '../../shared/time/clock.ts';
import type { VenueQuota } from '../../shared/venue/venue-types.ts';

export const REQUEST_PRIORITIES = ['cancel', 'exit', 'query', 'entry'] as const;
/** Most urgent first: cancels, then risk exits, then reads, then new entries. */
export type RequestPriority = (typeof REQUEST_PRIORITIES)[number];

export interface TokenBucketOptions {
  readonly limitPerMinute: number;
  /** Share of the bucket entries may not use (default 0.2); reads may not use half of it. */
  readonly urgentReserve?: number;
  /** How long to hold off after a 429 without a reset header (default 1 s). */
  readonly rateLimitedBackoffMs?: number;
}

const MS_PER_MINUTE = 60_000;

export class TokenBucket {
  readonly #clock: Clock;
  readonly #urgentReserve: number;
  readonly #rateLimitedBackoffMs: number;
  #limit: number;
  #tokens: number;
  #updatedAtMs: number;
  #blockedUntilMs = 0;
  /** What the bucket holds when a server-imposed pause ends; null when none is pending. */
  #tokensAtUnblock: number | null = null;

  constructor(clock: Clock, options: TokenBucketOptions) {
    if (!(options.limitPerMinute > 0)) throw new RangeError('limitPerMinute must be positive');
    this.#clock = clock;
    this.#limit = options.limitPerMinute;
    this.#tokens = options.limitPerMinute;
    this.#urgentReserve = options.urgentReserve ?? 0.2;
    this.#rateLimitedBackoffMs = options.rateLimitedBackoffMs ?? 1_000;
    this.#updatedAtMs = clock.nowMs();
  }

  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Takes one token if the priority may have it now. */
  tryTake(priority: RequestPriority): boolean {
    if (this.msUntilAvailable(priority) > 0) return false;
    this.#tokens -= 1;
    return true;
  }

  /** 0 when a request of this priority may go now; otherwise how long until it may. */
  msUntilAvailable(priority: RequestPriority): number {
    this.#refill();
    const nowMs = this.#clock.nowMs();
    if (nowMs < this.#blockedUntilMs) return this.#blockedUntilMs - nowMs;
    const needed = 1 + this.#reserve(priority) - this.#tokens;
    if (needed <= 0) return 0;
    return Math.ceil((needed * MS_PER_MINUTE) / this.#limit);
  }

  /** Trusts the server's view of the budget, which counts every client of the key. */
  observeQuota(headers: VenueQuota): void {
    this.#refill();
    if (headers.limit !== null && headers.limit > 0) {
      // A larger quota than configured is there to use now, not only after a minute of refill
      // (with the reserve scaled to it, entries would otherwise wait); Remaining still caps it.
      if (headers.limit > this.#limit) this.#tokens += headers.limit - this.#limit;
      this.#limit = headers.limit;
    }
    if (headers.remaining !== null) {
      this.#tokens = Math.min(this.#tokens, headers.remaining);
      if (headers.remaining <= 0) this.#blockUntil(headers.resetAtMs);
    }
  }

  /** A 429: nothing more until the reset the server named, or a short pause. */
  onRateLimited(resetAtMs: number | null): void {
    this.#refill();
    this.#tokens = 0;
    this.#blockUntil(resetAtMs);
  }

  /**
   * At a named reset the server's window starts afresh, so the bucket is full again. Without one
   * the pause is a guess, and afterwards the bucket holds just enough for entries to probe: if the
   * server is still limiting, the next 429 says so.
   */
  #blockUntil(resetAtMs: number | null): void {
    const nowMs = this.#clock.nowMs();
    const knownReset = resetAtMs !== null && resetAtMs > nowMs;
    const until = knownReset ? resetAtMs : nowMs + this.#rateLimitedBackoffMs;
    this.#blockedUntilMs = Math.max(this.#blockedUntilMs, until);
    const probe = Math.min(this.#limit, this.#reserve('entry') + 1);
    this.#tokensAtUnblock = knownReset ? this.#limit : probe;
  }

  #reserve(priority: RequestPriority): number {
    const urgent = this.#limit * this.#urgentReserve;
    if (priority === 'entry') return urgent;
    if (priority === 'query') return urgent / 2;
    return 0;
  }

  #refill(): void {
    const nowMs = this.#clock.nowMs();
    if (this.#tokensAtUnblock !== null && nowMs >= this.#blockedUntilMs) {
      this.#tokens = Math.max(this.#tokens, this.#tokensAtUnblock);
      this.#tokensAtUnblock = null;
    }
    const elapsed = nowMs - this.#updatedAtMs;
    if (elapsed <= 0) return;
    this.#updatedAtMs = nowMs;
    this.#tokens = Math.min(this.#limit, this.#tokens + (elapsed * this.#limit) / MS_PER_MINUTE);
  }
}
