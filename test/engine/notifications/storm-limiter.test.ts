import { describe, expect, it } from 'vitest';
import { StormLimiter } from '../../../engine/notifications/storm-limiter.ts';
import { notification, T0 } from './notifications-fixture.ts';

const LIMITS = { maxPerWindow: 3, windowMs: 60_000, summaryTitles: 2 };

describe('Class: StormLimiter', () => {
  it('passes up to maxPerWindow notifications in a window and holds the rest until its end', () => {
    // Prepare
    const limiter = new StormLimiter(LIMITS);

    // Act
    const admissions = [0, 1, 2, 3, 4].map((i) =>
      limiter.admit(notification({ title: `n${i}`, atMs: T0 + i }), T0 + i),
    );

    // Assess
    expect(admissions).toStrictEqual([
      { action: 'send' },
      { action: 'send' },
      { action: 'send' },
      { action: 'hold', summaryAtMs: T0 + 60_000 },
      { action: 'hold', summaryAtMs: T0 + 60_000 },
    ]);
  });

  it('summarises what a window held: counts by kind, the first titles, the highest severity, the span', () => {
    const limiter = new StormLimiter(LIMITS);
    for (let i = 0; i < 3; i++) limiter.admit(notification({ atMs: T0 }), T0);
    limiter.admit(notification({ title: 'feed0 down', atMs: T0 + 10 }), T0 + 10);
    limiter.admit(
      notification({ severity: 'P0', kind: 'kill_switch', title: 'kill switch', atMs: T0 + 20 }),
      T0 + 20,
    );
    limiter.admit(notification({ title: 'feed1 down', atMs: T0 + 30 }), T0 + 30);

    expect(limiter.closeWindow(T0 + 60_000)).toStrictEqual({
      severity: 'P0',
      account: 'paper-1',
      environment: 'development',
      held: 3,
      byKind: [
        { kind: 'feed_down', count: 2 },
        { kind: 'kill_switch', count: 1 },
      ],
      firstTitles: ['feed0 down', 'kill switch'],
      fromMs: T0 + 10,
      toMs: T0 + 30,
    });
  });

  it('closes a window that held nothing without a summary', () => {
    const limiter = new StormLimiter(LIMITS);
    limiter.admit(notification(), T0);

    expect(limiter.closeWindow(T0 + 60_000)).toBeNull();
  });

  it('holds everything in the window after a storm, one summary a window, until a window holds nothing', () => {
    const limiter = new StormLimiter(LIMITS);
    for (let i = 0; i < 4; i++) limiter.admit(notification(), T0);
    expect(limiter.closeWindow(T0 + 60_000)?.held).toBe(1);

    // The storm goes on: nothing passes in the next window; its summary counts all of it.
    expect(limiter.admit(notification(), T0 + 61_000)).toStrictEqual({
      action: 'hold',
      summaryAtMs: T0 + 120_000,
    });
    limiter.admit(notification(), T0 + 62_000);
    expect(limiter.closeWindow(T0 + 120_000)?.held).toBe(2);

    // A quiet storm window ends the storm: the next notification passes and opens a fresh window.
    expect(limiter.admit(notification(), T0 + 200_000)).toStrictEqual({ action: 'send' });
    expect(limiter.admit(notification(), T0 + 200_001)).toStrictEqual({ action: 'send' });
  });

  it('folds a notification into the summary due when the window closes late, rather than passing it', () => {
    const limiter = new StormLimiter(LIMITS);
    for (let i = 0; i < 4; i++) limiter.admit(notification(), T0);

    expect(limiter.admit(notification(), T0 + 65_000)).toStrictEqual({
      action: 'hold',
      summaryAtMs: T0 + 60_000,
    });
    expect(limiter.closeWindow(T0 + 65_001)?.held).toBe(2);
  });

  it('starts a fresh window after a quiet one, so a notification an hour later always passes', () => {
    const limiter = new StormLimiter(LIMITS);
    for (let i = 0; i < 3; i++) limiter.admit(notification(), T0);

    expect(limiter.admit(notification(), T0 + 3_600_000)).toStrictEqual({ action: 'send' });
  });

  it.each([
    { maxPerWindow: 0, windowMs: 1, summaryTitles: 1 },
    { maxPerWindow: 1, windowMs: 0, summaryTitles: 1 },
    { maxPerWindow: 1, windowMs: 1, summaryTitles: -1 },
  ])('refuses limits that cannot work: %o', (limits) => {
    expect(() => new StormLimiter(limits)).toThrow(RangeError);
  });
});
