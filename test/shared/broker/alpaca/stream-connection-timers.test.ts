import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  reconnectDelayMs,
  SilenceDeadline,
} from '../../../../shared/broker/alpaca/stream-connection-timers.ts';
import { systemClock } from '../../../../shared/time/clock.ts';
import { systemTimers } from '../../../../shared/time/timers.ts';

describe('Function: reconnectDelayMs', () => {
  it('stays within [cap / 2, cap] of the exponential cap for every attempt and every draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseDelayMs, extraMs, attempt, draw) => {
          const backoff = { baseDelayMs, maxDelayMs: baseDelayMs + extraMs };
          const cap = Math.min(backoff.maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          const delay = reconnectDelayMs(backoff, attempt, () => draw);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(cap / 2));
          expect(delay).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });

  it('doubles up to the maximum, and the jitter spans the upper half', () => {
    const backoff = { baseDelayMs: 100, maxDelayMs: 1_000 };
    const delays = (draw: number) =>
      [1, 2, 3, 4, 5, 50].map((attempt) => reconnectDelayMs(backoff, attempt, () => draw));
    expect(delays(0)).toStrictEqual([50, 100, 200, 400, 500, 500]);
    expect(delays(0.999_999)).toStrictEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('Class: SilenceDeadline (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function deadline(tickMs?: number) {
    const expired: number[] = [];
    const ticks: number[] = [];
    const subject = new SilenceDeadline({
      timers: systemTimers,
      clock: systemClock,
      limitMs: 1_000,
      ...(tickMs === undefined ? {} : { tickMs }),
      onTick: () => ticks.push(Date.now()),
      onExpired: (silentMs) => expired.push(silentMs),
    });
    return { subject, expired, ticks };
  }

  it('expires exactly when nothing has been heard for the limit, and only once', () => {
    const { subject, expired } = deadline();
    subject.start();
    vi.advanceTimersByTime(999);
    expect(expired).toStrictEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toStrictEqual([1_000]);
    vi.advanceTimersByTime(10_000);
    expect(expired).toStrictEqual([1_000]);
  });

  it('counts from the last thing heard: a frame or a pong postpones it', () => {
    const { subject, expired } = deadline();
    subject.start();
    vi.advanceTimersByTime(700);
    subject.heard(Date.now());
    vi.advanceTimersByTime(999);
    expect(expired).toStrictEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toStrictEqual([1_000]);
  });

  it('ticks (pings) at the interval while time is left, and not after it expired', () => {
    const { subject, expired, ticks } = deadline(250);
    subject.start();
    vi.advanceTimersByTime(5_000);
    expect(ticks).toStrictEqual([250, 500, 750]);
    expect(expired).toStrictEqual([1_000]);
  });

  it('a zombie with pings answered stays alive however long it is quiet', () => {
    const { subject, expired, ticks } = deadline(250);
    subject.start();
    for (let i = 0; i < 40; i++) {
      vi.advanceTimersByTime(250);
      // The pong to the ping just sent.
      subject.heard(Date.now());
    }
    expect(ticks).toHaveLength(40);
    expect(expired).toStrictEqual([]);
  });

  it('does nothing once stopped, and counts afresh when started again', () => {
    const { subject, expired } = deadline();
    subject.start();
    vi.advanceTimersByTime(900);
    subject.stop();
    vi.advanceTimersByTime(5_000);
    expect(expired).toStrictEqual([]);
    subject.start();
    vi.advanceTimersByTime(1_000);
    expect(expired).toStrictEqual([1_000]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
