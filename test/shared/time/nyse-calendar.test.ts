import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/time/clock.ts';
import { newYorkDate, newYorkToUtcMs, newYorkWallTime } from '../../../shared/time/new-york-time.ts';
import {
  isTradingDay,
  nextTradingDay,
  nyseHolidays,
  previousTradingDay,
  regularSessionUtc,
  sessionDateOf,
  sessionPhase,
  tradingDay,
  tradingDaysBetween,
} from '../../../shared/time/nyse-calendar.ts';

describe('Module: nyse-calendar', () => {
  it('knows the 2026 NYSE holidays', () => {
    expect([...nyseHolidays(2026)].sort()).toStrictEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-04-03',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('does not observe New Year on the Friday before a Saturday New Year (2022)', () => {
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(nyseHolidays(2022).has('2021-12-31')).toBe(false);
  });

  it.each([
    ['2026-11-27', 13 * 60],
    ['2026-12-24', 13 * 60],
    ['2025-07-03', 13 * 60],
    ['2026-11-25', 16 * 60],
  ])('%s closes at minute %i', (date, closeMinute) => {
    expect(tradingDay(date)?.closeMinute).toBe(closeMinute);
  });

  it('steps over weekends and holidays', () => {
    expect(nextTradingDay('2026-11-26').date).toBe('2026-11-27');
    expect(nextTradingDay('2026-11-28').date).toBe('2026-11-30');
    expect(previousTradingDay('2026-01-20').date).toBe('2026-01-16');
    expect(tradingDaysBetween('2026-11-23', '2026-11-29').map((day) => day.date)).toStrictEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-27',
    ]);
  });

  it('finds session phases across daylight-saving changes', () => {
    // 2026-03-09 is the Monday after the switch to EDT (UTC-4).
    expect(sessionPhase(Date.parse('2026-03-09T13:30:00Z'))).toBe('regular');
    expect(sessionPhase(Date.parse('2026-03-09T13:29:59Z'))).toBe('pre_market');
    // 2026-03-06 is the Friday before, still EST (UTC-5).
    expect(sessionPhase(Date.parse('2026-03-06T13:30:00Z'))).toBe('pre_market');
    expect(sessionPhase(Date.parse('2026-03-06T14:30:00Z'))).toBe('regular');
    expect(sessionPhase(Date.parse('2026-11-27T18:30:00Z'))).toBe('after_hours');
    expect(sessionPhase(Date.parse('2026-11-28T15:00:00Z'))).toBe('closed');
    expect(sessionPhase(Date.parse('2026-11-24T00:30:00Z'))).toBe('after_hours');
    expect(sessionPhase(Date.parse('2026-11-24T01:00:00Z'))).toBe('closed');
  });

  it('converts New York wall time both ways', () => {
    const open = newYorkToUtcMs('2026-11-02', 9 * 60 + 30);
    expect(new Date(open).toISOString()).toBe('2026-11-02T14:30:00.000Z');
    expect(newYorkWallTime(open)).toStrictEqual({ date: '2026-11-02', minuteOfDay: 570, weekday: 1 });
    expect(newYorkDate(Date.parse('2026-11-25T03:00:00Z'))).toBe('2026-11-24');
    const day = tradingDay('2026-07-02')!;
    expect(regularSessionUtc(day)).toStrictEqual({
      openMs: Date.parse('2026-07-02T13:30:00Z'),
      closeMs: Date.parse('2026-07-02T20:00:00Z'),
    });
  });

  it('assigns instants to the trading day they reset into', () => {
    expect(sessionDateOf(Date.parse('2026-11-24T20:00:00Z'))).toBe('2026-11-24');
    expect(sessionDateOf(Date.parse('2026-11-25T05:30:00Z'))).toBe('2026-11-25');
    expect(sessionDateOf(Date.parse('2026-11-28T15:00:00Z'))).toBe('2026-11-30');
  });
});

describe('Class: ManualClock', () => {
  it('moves only forward and only when told', () => {
    const clock = new ManualClock(1_000);
    expect(clock.nowMs()).toBe(1_000);
    clock.advanceUs(1_500);
    expect(clock.nowUs()).toBe(1_001_500);
    expect(clock.nowMs()).toBe(1_001);
    expect(() => clock.advanceMs(-1)).toThrow(RangeError);
  });
});
