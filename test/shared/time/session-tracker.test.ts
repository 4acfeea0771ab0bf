import { describe, expect, it } from 'vitest';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { SessionTracker } from '../../../shared/time/session-tracker.ts';
import { TradingCalendar } from '../../../shared/time/trading-calendar.ts';
import { brokerDays } from './calendar-fixtures.ts';

const RANGE = ['2026-11-02', '2026-12-11'] as const;
const ny = (date: string, minutes: number) => newYorkToUtcMs(date, minutes);

describe('Class: SessionTracker', () => {
  it('starts a session at the first update and at each New York midnight after a trading day', () => {
    const tracker = new SessionTracker(new TradingCalendar());
    expect(tracker.update(ny('2026-11-17', 10 * 60))).toBe('started');
    expect(tracker.date).toBe('2026-11-17');
    expect(tracker.update(ny('2026-11-17', 23 * 60))).toBeNull();
    expect(tracker.update(ny('2026-11-18', 1))).toBe('started');
    expect(tracker.date).toBe('2026-11-18');
  });

  it('counts a weekend to the next trading day', () => {
    const tracker = new SessionTracker(new TradingCalendar());
    tracker.update(ny('2026-11-21', 12 * 60));
    expect(tracker.date).toBe('2026-11-23');
    expect(tracker.update(ny('2026-11-22', 12 * 60))).toBeNull();
  });

  it('renames the session under way when the calendar learns of a closure, without starting a new one', () => {
    const calendar = new TradingCalendar();
    const tracker = new SessionTracker(calendar);
    tracker.update(ny('2026-11-17', 8 * 60));
    expect(tracker.date).toBe('2026-11-17');
    calendar.load({ start: RANGE[0], end: RANGE[1], days: brokerDays(...RANGE, ['2026-11-17']) });
    expect(tracker.update(ny('2026-11-17', 8 * 60 + 1))).toBe('renamed');
    expect(tracker.date).toBe('2026-11-18');
    // Tuesday's midnight is now inside Wednesday's session.
    expect(tracker.update(ny('2026-11-18', 10 * 60))).toBeNull();
    expect(tracker.update(ny('2026-11-19', 1))).toBe('started');
  });
});
