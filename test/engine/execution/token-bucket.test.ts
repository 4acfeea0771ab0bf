import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../engine/execution/token-bucket.ts';
import { ManualClock } from '../../../shared/time/clock.ts';

function drain(bucket: TokenBucket, priority: 'cancel' | 'exit' | 'query' | 'entry'): number {
  let taken = 0;
  while (bucket.tryTake(priority)) taken += 1;
  return taken;
}

describe('Class: TokenBucket', () => {
  it('lets entries spend 80% of 200 per minute and keeps the rest for cancels and exits', () => {
    const bucket = new TokenBucket(new ManualClock(0), { limitPerMinute: 200 });
    expect(drain(bucket, 'entry')).toBe(160);
    expect(drain(bucket, 'query')).toBe(20);
    expect(drain(bucket, 'exit')).toBe(20);
    expect(bucket.tryTake('cancel')).toBe(false);
  });

  it('uses a larger quota the server announces at once, still capped by what it says remains', () => {
    const bucket = new TokenBucket(new ManualClock(0), { limitPerMinute: 200 });
    bucket.tryTake('entry');
    bucket.observeQuota({ limit: 1000, remaining: 990, resetAtMs: 60_000 });
    expect(bucket.tokens).toBe(990);
    expect(drain(bucket, 'entry')).toBe(790);
    const capped = new TokenBucket(new ManualClock(0), { limitPerMinute: 200 });
    capped.observeQuota({ limit: 1000, remaining: 150, resetAtMs: 60_000 });
    expect(capped.tokens).toBe(150);
  });

  it('refills at the per-minute rate and says when a priority may go', () => {
    const clock = new ManualClock(0);
    const bucket = new TokenBucket(clock, { limitPerMinute: 200 });
    drain(bucket, 'cancel');
    expect(bucket.msUntilAvailable('cancel')).toBe(300);
    expect(bucket.msUntilAvailable('entry')).toBe(12_300);
    clock.advanceMs(300);
    expect(bucket.tryTake('cancel')).toBe(true);
    expect(bucket.tryTake('cancel')).toBe(false);
  });

  it('lowers its count to the server remaining, since other clients share the key', () => {
    const bucket = new TokenBucket(new ManualClock(0), { limitPerMinute: 200 });
    bucket.observeQuota({ limit: 200, remaining: 45, resetAtMs: 60_000 });
    expect(drain(bucket, 'entry')).toBe(5);
  });

  it('stops everything until the reset after a 429 or a zero remaining', () => {
    const clock = new ManualClock(1_000);
    const bucket = new TokenBucket(clock, { limitPerMinute: 200 });
    bucket.onRateLimited(5_000);
    expect(bucket.msUntilAvailable('cancel')).toBe(4_000);
    clock.setMs(5_000);
    // The server's window restarted at the reset it named: the whole budget is back.
    expect(drain(bucket, 'cancel')).toBe(200);

    bucket.observeQuota({ limit: null, remaining: 0, resetAtMs: null });
    expect(bucket.msUntilAvailable('cancel')).toBe(1_000);
    clock.advanceMs(1_000);
    // No reset named: after the pause, enough for an entry to probe (1) plus a second's refill (3.3).
    expect(drain(bucket, 'entry')).toBe(4);
  });
});
