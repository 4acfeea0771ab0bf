import { describe, expect, it } from 'vitest';
import { FeedConnectionWatch } from '../../../engine/marketdata/feed-connection-watch.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import type { ConnectionState } from '../../../shared/venue/connection-state.ts';

describe('Class: FeedConnectionWatch', () => {
  it('counts from the moment the feed left a connected state until it is ready again', () => {
    // Prepare
    const clock = new ManualClock(1_000_000);
    const watch = new FeedConnectionWatch(clock);
    const seconds: number[] = [];
    const step = (state: ConnectionState, afterMs: number): void => {
      watch.onStateChange(state);
      clock.advanceMs(afterMs);
      seconds.push(watch.disconnectedSeconds());
    };

    // Act
    step('ready', 5_000);
    step('reconnecting', 2_000);
    step('connecting', 1_000);
    step('authenticating', 500);
    step('subscribing', 500);
    step('ready', 1_000);

    // Assess
    expect(seconds).toStrictEqual([0, 2, 3, 3.5, 4, 0]);
  });

  it('does not count a quiet feed (stale), one not started (idle) or one stopped', () => {
    const clock = new ManualClock(1_000_000);
    const watch = new FeedConnectionWatch(clock);
    for (const state of ['idle', 'ready', 'stale', 'stopped'] as const) {
      watch.onStateChange(state);
      clock.advanceMs(60_000);
      expect(watch.disconnectedSeconds()).toBe(0);
    }
  });

  it('counts the first connection from the start, and a fatal feed until it is stopped', () => {
    const clock = new ManualClock(1_000_000);
    const watch = new FeedConnectionWatch(clock);
    watch.onStateChange('connecting');
    clock.advanceMs(1_500);
    watch.onStateChange('fatal');
    clock.advanceMs(30_000);
    expect(watch.disconnectedSeconds()).toBe(31.5);
    watch.onStateChange('stopped');
    expect(watch.disconnectedSeconds()).toBe(0);
  });
});
