import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { sessionDateOf as ruleSessionDateOf, sessionPhase } from '../../../shared/time/nyse-calendar.ts';
import {
  type BrokerClockReading,
  InvalidCalendarError,
  TradingCalendar,
} from '../../../shared/time/trading-calendar.ts';
import { brokerDays, calendarClosing, loadedCalendar as loaded } from './calendar-fixtures.ts';

const ny = newYorkToUtcMs;

/** November 2026 with Tuesday the 24th closed (a day of mourning), as the broker would list it. */
function withClosure(): TradingCalendar {
  return calendarClosing('2026-11-09', '2026-12-18', ['2026-11-24']);
}

describe('Class: TradingCalendar', () => {
  describe('without broker data', () => {
    it('answers as the NYSE rules and never says the broker closed the market', () => {
      const calendar = new TradingCalendar();
      const saturday = ny('2026-11-28', 12 * 60);
      expect(calendar.brokerCovers(saturday)).toBe(false);
      expect(calendar.sessionDateOf(saturday)).toBe('2026-11-30');
      expect(calendar.isTradingDay('2026-11-26')).toBe(false);
      expect(calendar.isRegularOpen(saturday)).toBe(false);
      expect(calendar.closedByBroker(saturday)).toBeNull();
      expect(calendar.isRegularOpen(ny('2026-11-24', 10 * 60))).toBe(true);
      expect(calendar.revision).toBe(0);
    });
  });

  it.each([
    ['no broker data', () => new TradingCalendar()],
    [
      'the broker listing the rules’ days for part of the span',
      () => loaded({ start: '2026-02-01', end: '2026-12-31' }),
    ],
  ])('matches the rules at any instant, asked in any order, with %s', (_label, build) => {
    const calendar = build();
    const from = Date.parse('2025-12-20T00:00:00Z');
    const to = Date.parse('2027-01-10T00:00:00Z');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: from, max: to }), { minLength: 1, maxLength: 40 }),
        (instants) => {
          for (const ms of instants) {
            expect(calendar.sessionDateOf(ms)).toBe(ruleSessionDateOf(ms));
            expect(calendar.isRegularOpen(ms)).toBe(sessionPhase(ms) === 'regular');
          }
        },
      ),
    );
  });

  describe('a closure day in the broker calendar', () => {
    it('is no trading day, and its instants belong to the next session', () => {
      const calendar = withClosure();
      expect(calendar.isTradingDay('2026-11-24')).toBe(false);
      expect(calendar.tradingDay('2026-11-24')).toBeNull();
      expect(calendar.sessionDateOf(ny('2026-11-23', 23 * 60 + 59))).toBe('2026-11-23');
      expect(calendar.sessionDateOf(ny('2026-11-24', 0))).toBe('2026-11-25');
      expect(calendar.sessionDateOf(ny('2026-11-24', 10 * 60))).toBe('2026-11-25');
      expect(calendar.sessionEndMs('2026-11-23')).toBe(ny('2026-11-24', 0));
      expect(calendar.sessionEndMs('2026-11-25')).toBe(ny('2026-11-26', 0));
      expect(calendar.previousTradingDay('2026-11-25')).toBe('2026-11-23');
      expect(calendar.nextTradingDay('2026-11-24')).toBe('2026-11-25');
    });

    it('is closed by the broker all day, not only in regular hours', () => {
      const calendar = withClosure();
      for (const minute of [0, 10 * 60, 23 * 60 + 59]) {
        expect(calendar.isRegularOpen(ny('2026-11-24', minute))).toBe(false);
        expect(calendar.closedByBroker(ny('2026-11-24', minute))).toBe('closed_day');
      }
      expect(calendar.closedByBroker(ny('2026-11-23', 10 * 60))).toBeNull();
      expect(calendar.closedByBroker(ny('2026-11-25', 10 * 60))).toBeNull();
    });
  });

  it('knows a half day by its close, and is outside hours after it', () => {
    const calendar = loaded({
      start: '2026-11-23',
      end: '2026-11-30',
      days: [
        ...brokerDays('2026-11-23', '2026-11-24'),
        // The broker's word for a one-off early close the rules do not have.
        { date: '2026-11-25', open: '09:30', close: '13:00' },
        ...brokerDays('2026-11-26', '2026-11-30'),
      ],
    });
    expect(calendar.tradingDay('2026-11-25')).toStrictEqual({
      date: '2026-11-25',
      openMinute: 9 * 60 + 30,
      closeMinute: 13 * 60,
      earlyClose: true,
    });
    expect(calendar.tradingDay('2026-11-27')?.closeMinute).toBe(13 * 60);
    expect(calendar.isRegularOpen(ny('2026-11-25', 12 * 60 + 59))).toBe(true);
    expect(calendar.isRegularOpen(ny('2026-11-25', 13 * 60))).toBe(false);
    expect(calendar.closedByBroker(ny('2026-11-25', 13 * 60))).toBe('outside_hours');
    expect(calendar.closedByBroker(ny('2026-11-25', 9 * 60 + 29))).toBe('outside_hours');
    expect(calendar.closedByBroker(ny('2026-11-25', 12 * 60))).toBeNull();
  });

  it('puts a weekend in the next session and closes it', () => {
    const calendar = withClosure();
    const saturday = ny('2026-11-28', 11 * 60);
    expect(calendar.sessionDateOf(ny('2026-11-27', 23 * 60))).toBe('2026-11-27');
    expect(calendar.sessionDateOf(saturday)).toBe('2026-11-30');
    expect(calendar.sessionDateOf(ny('2026-11-29', 23 * 60))).toBe('2026-11-30');
    expect(calendar.closedByBroker(saturday)).toBe('closed_day');
  });

  it('falls back to the rules outside the loaded range, across its edges', () => {
    const calendar = loaded({ start: '2026-11-16', end: '2026-11-27' });
    const saturday = ny('2026-11-28', 11 * 60);
    expect(calendar.brokerCovers(ny('2026-11-27', 11 * 60))).toBe(true);
    expect(calendar.brokerCovers(saturday)).toBe(false);
    expect(calendar.sessionDateOf(saturday)).toBe('2026-11-30');
    expect(calendar.closedByBroker(saturday)).toBeNull();
    expect(calendar.isTradingDay('2026-12-25')).toBe(false);
    expect(calendar.tradingDay('2026-12-24')?.closeMinute).toBe(13 * 60);
    expect(calendar.previousTradingDay('2026-11-17')).toBe('2026-11-16');
    expect(calendar.previousTradingDay('2026-11-16')).toBe('2026-11-13');
  });

  describe('daylight-saving boundaries', () => {
    it('opens at 14:30 UTC before the March switch and at 13:30 UTC after it', () => {
      const calendar = loaded({ start: '2026-03-02', end: '2026-03-13' });
      expect(calendar.isRegularOpen(Date.parse('2026-03-06T14:29:59Z'))).toBe(false);
      expect(calendar.isRegularOpen(Date.parse('2026-03-06T14:30:00Z'))).toBe(true);
      expect(calendar.isRegularOpen(Date.parse('2026-03-09T13:29:59Z'))).toBe(false);
      expect(calendar.isRegularOpen(Date.parse('2026-03-09T13:30:00Z'))).toBe(true);
      expect(calendar.isRegularOpen(Date.parse('2026-03-09T20:00:00Z'))).toBe(false);
      // Friday's session ends at Saturday's New York midnight, still EST; Monday's in EDT.
      expect(calendar.sessionEndMs('2026-03-06')).toBe(Date.parse('2026-03-07T05:00:00Z'));
      expect(calendar.sessionEndMs('2026-03-09')).toBe(Date.parse('2026-03-10T04:00:00Z'));
      expect(calendar.sessionDateOf(Date.parse('2026-03-08T07:30:00Z'))).toBe('2026-03-09');
    });

    it('keeps New York midnight as the boundary across the November switch', () => {
      const calendar = loaded({ start: '2026-10-26', end: '2026-11-06' });
      expect(calendar.sessionEndMs('2026-10-30')).toBe(Date.parse('2026-10-31T04:00:00Z'));
      expect(calendar.sessionDateOf(Date.parse('2026-10-31T03:59:59Z'))).toBe('2026-10-30');
      expect(calendar.sessionDateOf(Date.parse('2026-10-31T04:00:00Z'))).toBe('2026-11-02');
      expect(calendar.sessionEndMs('2026-11-02')).toBe(Date.parse('2026-11-03T05:00:00Z'));
      expect(calendar.isRegularOpen(Date.parse('2026-11-02T14:29:59Z'))).toBe(false);
      expect(calendar.isRegularOpen(Date.parse('2026-11-02T14:30:00Z'))).toBe(true);
    });
  });

  describe('the broker clock', () => {
    /** The rules' days for November, and a clock read at an instant saying closed until Wednesday's open. */
    function closedUntilWednesday(readAtMs: number): TradingCalendar {
      const clock: BrokerClockReading = {
        timestampMs: readAtMs,
        isOpen: false,
        nextOpenMs: ny('2026-11-25', 9 * 60 + 30),
        nextCloseMs: ny('2026-11-25', 16 * 60),
      };
      return loaded({ start: '2026-11-09', end: '2026-12-18', clock });
    }

    it('wins over a calendar that still lists a day it says stays closed', () => {
      // Read on Monday evening: closed until Wednesday's open, so Tuesday has no session.
      const calendar = closedUntilWednesday(ny('2026-11-23', 20 * 60));
      expect(calendar.isTradingDay('2026-11-24')).toBe(false);
      expect(calendar.sessionDateOf(ny('2026-11-24', 10 * 60))).toBe('2026-11-25');
      expect(calendar.closedByBroker(ny('2026-11-24', 10 * 60))).toBe('closed_day');
      expect(calendar.isRegularOpen(ny('2026-11-25', 9 * 60 + 30))).toBe(true);
    });

    it('closes the rest of a day that did open, which stays a trading day', () => {
      const calendar = closedUntilWednesday(ny('2026-11-24', 11 * 60));
      expect(calendar.isTradingDay('2026-11-24')).toBe(true);
      expect(calendar.isRegularOpen(ny('2026-11-24', 10 * 60))).toBe(true);
      expect(calendar.closedByBroker(ny('2026-11-24', 11 * 60 + 30))).toBe('outside_hours');
      expect(calendar.isRegularOpen(ny('2026-11-24', 15 * 60))).toBe(false);
      expect(calendar.isRegularOpen(ny('2026-11-25', 10 * 60))).toBe(true);
    });

    it('reads a 23:59 close as midnight, so around-the-clock hours never shut', () => {
      const calendar = loaded({
        start: '2026-11-20',
        end: '2026-11-30',
        days: ['2026-11-27', '2026-11-28'].map((date) => ({ date, open: '00:00', close: '23:59' })),
      });
      expect(calendar.isRegularOpen(ny('2026-11-27', 23 * 60 + 59) + 30_000)).toBe(true);
      expect(calendar.isRegularOpen(ny('2026-11-28', 0))).toBe(true);
      expect(calendar.sessionDateOf(ny('2026-11-28', 12 * 60))).toBe('2026-11-28');
      expect(calendar.closedByBroker(ny('2026-11-29', 12 * 60))).toBe('closed_day');
    });
  });

  describe('bad broker data', () => {
    const start = '2026-11-16';
    const end = '2026-11-27';
    const good = brokerDays(start, end);
    it.each([
      ['dates out of order', { days: [good[1]!, good[0]!, ...good.slice(2)] }, /ascend/],
      ['a date twice', { days: [good[0]!, ...good] }, /ascend/],
      [
        'a date outside the range',
        { days: [...good, { date: '2026-11-30', open: '09:30', close: '16:00' }] },
        /outside/,
      ],
      ['an impossible date', { days: [{ date: '2026-02-30', open: '09:30', close: '16:00' }] }, /YYYY-MM-DD/],
      ['an hour past 23', { days: [{ date: start, open: '24:30', close: '16:00' }] }, /HH:MM/],
      [
        'a close before the open',
        { days: [{ date: start, open: '16:00', close: '09:30' }] },
        /before it opens/,
      ],
      ['weeks without a session', { start: '2026-11-01', end: '2026-12-10', days: [] }, /without a session/],
      ['a range that ends before it starts', { start: end, end: start, days: [] }, /before it starts/],
      [
        'a clock whose next open is before its own time',
        { clock: { timestampMs: ny(start, 600), isOpen: false, nextOpenMs: ny(start, 500), nextCloseMs: 0 } },
        /closed until/,
      ],
      [
        'a clock closed for more than two weeks',
        {
          clock: {
            timestampMs: ny(start, 600),
            isOpen: false,
            nextOpenMs: ny('2026-12-01', 570),
            nextCloseMs: ny('2026-12-01', 960),
          },
        },
        /not within 14 days/,
      ],
    ])('refuses %s and keeps what it had', (_label, overrides, message) => {
      const calendar = withClosure();
      expect(() => calendar.load({ start, end, days: good, ...overrides })).toThrow(InvalidCalendarError);
      expect(() => calendar.load({ start, end, days: good, ...overrides })).toThrow(message);
      expect(calendar.revision).toBe(1);
      expect(calendar.isTradingDay('2026-11-24')).toBe(false);
    });
  });

  it('answers every question about any data it accepted, never throwing', () => {
    const start = '2026-10-26';
    const end = '2026-12-18';
    const ruleDays = brokerDays(start, end);
    const from = ny(start, 0);
    const to = ny(end, 0);
    fc.assert(
      fc.property(
        fc.subarray(ruleDays),
        fc.record({
          timestampMs: fc.integer({ min: from, max: to }),
          isOpen: fc.boolean(),
          spellMs: fc.integer({ min: 1, max: 14 * 86_400_000 }),
        }),
        fc.array(fc.integer({ min: from - 30 * 86_400_000, max: to + 30 * 86_400_000 }), { maxLength: 20 }),
        (days, { timestampMs, isOpen, spellMs }, instants) => {
          const calendar = new TradingCalendar();
          const untilMs = timestampMs + spellMs;
          const clock = { timestampMs, isOpen, nextOpenMs: untilMs, nextCloseMs: untilMs };
          try {
            calendar.load({ start, end, days, clock });
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidCalendarError);
            return;
          }
          for (const ms of instants) {
            const session = calendar.sessionDateOf(ms);
            expect(calendar.isTradingDay(session)).toBe(true);
            expect(calendar.sessionEndMs(session)).toBeGreaterThan(ms);
            expect(calendar.isTradingDay(calendar.previousTradingDay(session))).toBe(true);
            expect(calendar.isRegularOpen(ms) && calendar.closedByBroker(ms) !== null).toBe(false);
          }
        },
      ),
    );
  });

  it('counts each load in its revision', () => {
    const calendar = withClosure();
    expect(calendar.revision).toBe(1);
    calendar.load({ start: '2026-11-09', end: '2026-12-18', days: brokerDays('2026-11-09', '2026-12-18') });
    expect(calendar.revision).toBe(2);
    expect(calendar.isTradingDay('2026-11-24')).toBe(true);
    expect(calendar.closedByBroker(ny('2026-11-24', 10 * 60))).toBeNull();
  });
});
