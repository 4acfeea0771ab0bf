/**
 * The risk manager on a broker calendar that closes Tuesday 2026-11-17 (a one-off closure the
 * NYSE rules do not know): the closed day has no session of its own, is not one of the five
 * business days the day-trade count spans, and refuses new US-equity exposure.
 */
import { describe, expect, it } from 'vitest';
import { RULE_REASON_CODES } from '../../../engine/risk/risk-decision.ts';
import type { RiskEvent } from '../../../engine/risk/risk-events.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { TradingCalendar } from '../../../shared/time/trading-calendar.ts';
import { brokerDays, calendarClosing } from '../../shared/time/calendar-fixtures.ts';
import { exit, harness, intent, position } from './risk-fixtures.ts';

const ny = newYorkToUtcMs;
const CLOSED = '2026-11-17';
const RANGE = ['2026-11-02', '2026-12-11'] as const;

function closedTuesday(): TradingCalendar {
  return calendarClosing(...RANGE, [CLOSED]);
}

function sessionsStarted(events: readonly RiskEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'session_started' ? [event.sessionDate] : []));
}

describe('Class: RiskManager on the broker calendar', () => {
  it('gives a closed day no session of its own: no daily reset between it and the next trading day', () => {
    const { risk, clock, events, trade } = harness({
      startMs: ny('2026-11-16', 10 * 60),
      calendar: closedTuesday(),
    });
    trade('AAPL', 'buy', '10', '100');
    trade('AAPL', 'sell', '10', '99'); // −10 on Monday
    clock.setMs(ny(CLOSED, 0)); // Monday's session is over: the next one is Wednesday's
    expect(risk.snapshot()).toMatchObject({ sessionDate: '2026-11-18', dailyPnlUsd: 0 });
    clock.setMs(ny(CLOSED, 12 * 60));
    // Crypto trades on the closed day; its loss is Wednesday's.
    trade('BTC/USD', 'buy', '1', '100');
    trade('BTC/USD', 'sell', '1', '95');
    clock.setMs(ny('2026-11-18', 10 * 60));
    expect(risk.snapshot()).toMatchObject({ sessionDate: '2026-11-18', dailyPnlUsd: -5 });
    clock.setMs(ny('2026-11-19', 0));
    expect(risk.snapshot()).toMatchObject({ sessionDate: '2026-11-19', dailyPnlUsd: 0 });
    expect(sessionsStarted(events)).toStrictEqual(['2026-11-18', '2026-11-19']);
  });

  it('does not count the closed day among the five business days of the day-trade count', () => {
    // The broker's own count unknown (Alpaca no longer sends it on live accounts): ours alone.
    const { risk, clock, trade } = harness({
      startMs: ny('2026-11-11', 10 * 60),
      calendar: closedTuesday(),
      account: { daytradeCount: null },
    });
    trade('AAPL', 'buy', '10', '100');
    trade('AAPL', 'sell', '10', '100'); // a day trade on Wednesday the 11th
    const dayTradesOn = (date: string): number => {
      clock.setMs(ny(date, 10 * 60));
      return risk.snapshot().dayTrades;
    };
    expect(dayTradesOn('2026-11-16')).toBe(1);
    expect(dayTradesOn(CLOSED)).toBe(1);
    // 11th, 12th, 13th, 16th, 18th: still within five business days (by the rules it would not be).
    expect(dayTradesOn('2026-11-18')).toBe(1);
    expect(dayTradesOn('2026-11-19')).toBe(0);
  });

  describe('market_closed', () => {
    it('has its own reason code', () => {
      expect(RULE_REASON_CODES.market_closed).toBe('market_closed');
    });

    it('refuses US-equity entries on the closed day; crypto entries and exits still go', () => {
      const { risk, quote } = harness({
        startMs: ny(CLOSED, 10 * 60),
        calendar: closedTuesday(),
        positions: [position('MSFT', '10', '100')],
        symbols: ['AAPL', 'MSFT', 'BTC/USD'],
      });
      quote('BTC/USD', 100);
      expect(risk.check(intent())).toMatchObject({
        ok: false,
        rule: 'market_closed',
        message: "the broker's calendar has no session on 2026-11-17; no new AAPL exposure",
      });
      expect(risk.check(intent({ extendedHours: true }))).toMatchObject({ ok: false, rule: 'market_closed' });
      expect(risk.check(intent({ symbol: 'BTC/USD', timeInForce: 'gtc' })).ok).toBe(true);
      expect(risk.check(exit('MSFT', 'sell', '10')).ok).toBe(true);
    });

    it('refuses regular entries outside the broker’s hours on a trading day, not extended-hours ones', () => {
      const { risk, clock, quote } = harness({
        startMs: ny('2026-11-16', 17 * 60),
        calendar: closedTuesday(),
      });
      expect(risk.check(intent())).toMatchObject({ ok: false, rule: 'market_closed' });
      expect(risk.check(intent({ extendedHours: true })).ok).toBe(true);
      clock.setMs(ny('2026-11-18', 9 * 60 + 30));
      quote('AAPL', 100);
      expect(risk.check(intent()).ok).toBe(true);
    });

    it('never refuses on the built-in rules alone', () => {
      const saturday = ny('2026-11-21', 12 * 60);
      const { risk } = harness({ startMs: saturday });
      expect(risk.check(intent()).ok).toBe(true);
      // Outside the broker's loaded range the rules decide, and they close nothing here either.
      const beyond = harness({
        startMs: saturday,
        calendar: calendarClosing('2026-11-02', '2026-11-20', []),
      });
      expect(beyond.risk.check(intent()).ok).toBe(true);
    });
  });

  it('renames the session under way when the broker calendar arrives, without a reset', () => {
    // Risk starts before the calendar is fetched (as in the engine), so the rules name the session.
    const calendar = new TradingCalendar();
    const { risk, clock, events, trade } = harness({ startMs: ny(CLOSED, 8 * 60), calendar });
    trade('BTC/USD', 'buy', '1', '100');
    trade('BTC/USD', 'sell', '1', '96');
    expect(risk.snapshot()).toMatchObject({ sessionDate: CLOSED, dailyPnlUsd: -4 });
    calendar.load({ start: RANGE[0], end: RANGE[1], days: brokerDays(...RANGE, [CLOSED]) });
    expect(risk.snapshot()).toMatchObject({ sessionDate: '2026-11-18', dailyPnlUsd: -4 });
    expect(risk.check(intent())).toMatchObject({ ok: false, rule: 'market_closed' });
    // Wednesday's New York midnight is inside the renamed session: no reset there.
    clock.setMs(ny('2026-11-18', 10 * 60));
    expect(risk.snapshot()).toMatchObject({ sessionDate: '2026-11-18', dailyPnlUsd: -4 });
    expect(sessionsStarted(events)).toStrictEqual([]);
  });
});
