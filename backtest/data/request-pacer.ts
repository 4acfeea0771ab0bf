/**
 * The history client's RequestPacer over the engine's token bucket: Alpaca's market-data quota
 * (200 requests a minute per key on the Basic plan) as a bucket that the server's X-RateLimit-*
 * headers correct, a 429 emptying it until the reset the server named. A download is one reader,
 * so every request is a query and the bucket keeps no reserve.
 */
import { TokenBucket } from '../../engine/execution/token-bucket.ts';
import type { RequestPacer } from '../../shared/broker/alpaca/market-data/history-client.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { VenueQuota } from '../../shared/venue/venue-types.ts';

export type Sleep = (ms: number) => Promise<void>;

export class TokenBucketPacer implements RequestPacer {
  readonly #bucket: TokenBucket;
  readonly #sleep: Sleep;

  constructor(clock: Clock, requestsPerMinute: number, sleep: Sleep) {
    this.#bucket = new TokenBucket(clock, { limitPerMinute: requestsPerMinute, urgentReserve: 0 });
    this.#sleep = sleep;
  }

  async acquire(): Promise<void> {
    while (!this.#bucket.tryTake('query'))
      await this.#sleep(Math.max(1, this.#bucket.msUntilAvailable('query')));
  }

  observe(quota: VenueQuota): void {
    this.#bucket.observeQuota(quota);
  }

  rateLimited(resetAtMs: number | null): void {
    this.#bucket.onRateLimited(resetAtMs);
  }
}
