import { describe, expect, it } from 'vitest';
import { ClosedDates } from '../../../sim/closed-dates.ts';
import { minuteActivity, stockActivityAt } from '../../../sim/market/minute-activity.ts';

const minute = (hours: number, minutes: number): number => hours * 60 + minutes;

describe('Module: minute activity', () => {
  it('shapes stock activity like the intraday volume curve: busy open and close, midday lull', () => {
    const open = stockActivityAt(minute(9, 30));
    const midday = stockActivityAt(minute(12, 30));
    const close = stockActivityAt(minute(15, 59));
    expect(open).toBeGreaterThan(2 * midday);
    expect(close).toBeGreaterThan(1.5 * midday);
    expect(stockActivityAt(minute(8, 0))).toBeLessThan(midday);
    expect(stockActivityAt(minute(2, 0))).toBeLessThan(stockActivityAt(minute(8, 0)));
  });

  it('opens stocks 04:00–20:00 New York time on trading days in nyse mode, always otherwise', () => {
    const tuesday = (hourUtc: number): number => Date.UTC(2026, 10, 24, hourUtc, 0, 0);
    expect(minuteActivity(tuesday(8), 'nyse').stocksOpen).toBe(false); // 03:00 New York
    expect(minuteActivity(tuesday(9), 'nyse').stocksOpen).toBe(true); // 04:00
    expect(minuteActivity(tuesday(0), 'nyse').stocksOpen).toBe(true); // 19:00 the day before
    expect(minuteActivity(tuesday(1), 'nyse').stocksOpen).toBe(false); // 20:00
    expect(minuteActivity(Date.UTC(2026, 10, 26, 15, 0, 0), 'nyse').stocksOpen).toBe(false); // Thanksgiving
    expect(minuteActivity(Date.UTC(2026, 10, 26, 15, 0, 0), 'always').stocksOpen).toBe(true);
  });

  it('keeps stocks shut all New York day on a closed date, in both modes', () => {
    const closed = new ClosedDates(['2026-11-24']);
    for (const hours of ['nyse', 'always'] as const) {
      expect(minuteActivity(Date.UTC(2026, 10, 24, 15, 0, 0), hours, closed).stocksOpen).toBe(false);
      expect(minuteActivity(Date.UTC(2026, 10, 25, 4, 59, 0), hours, closed).stocksOpen).toBe(false); // 23:59
      expect(minuteActivity(Date.UTC(2026, 10, 25, 15, 0, 0), hours, closed).stocksOpen).toBe(true);
    }
  });

  it('places the day at New York midnight across a daylight-saving change', () => {
    const session = minuteActivity(Date.UTC(2026, 10, 1, 15, 0, 0), 'always');
    expect(new Date(session.dayStartUs / 1000).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(session.dayEndUs / 1000).toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });
});
