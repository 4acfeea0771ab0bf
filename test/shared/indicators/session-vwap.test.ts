import { VWAP } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import type { BarInput } from '../../../shared/indicators/indicator.ts';
import { SessionVwap } from '../../../shared/indicators/session-vwap.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { expectAgreesWith, randomBars } from './indicator-fixtures.ts';

/** 20:00 New York on a Friday before the end of daylight saving: bars run through three dates and the switch. */
const START_US = newYorkToUtcMs('2026-10-30', 20 * 60) * 1000;

describe('Class: SessionVwap', () => {
  it('restarts at New York midnight, not UTC midnight', () => {
    const vwap = new SessionVwap();
    const bar = (date: string, minute: number, price: number): BarInput => ({
      high: price,
      low: price,
      close: price,
      volume: 100,
      startUs: newYorkToUtcMs(date, minute) * 1000,
    });
    vwap.update(bar('2026-11-24', 23 * 60 + 58, 10));
    expect(vwap.update(bar('2026-11-24', 23 * 60 + 59, 20))).toBe(15);
    expect(vwap.update(bar('2026-11-25', 0, 40))).toBe(40);
  });

  it('has no value until the session trades, and refuses negative volume', () => {
    const vwap = new SessionVwap();
    expect(vwap.update({ high: 2, low: 1, close: 1.5, volume: 0, startUs: START_US })).toBeNull();
    expect(vwap.isReady).toBe(false);
    expect(vwap.update({ high: 2, low: 1, close: 1.5, volume: 10, startUs: START_US + 1 })).toBe(1.5);
    expect(vwap.update({ high: 9, low: 9, close: 9, volume: -5, startUs: START_US + 2 })).toBe(1.5);
  });

  it("agrees with trading-signals' unanchored VWAP within one session", () => {
    const bars = randomBars(43, 200, newYorkToUtcMs('2026-11-24', 9 * 60 + 30) * 1000);
    const ours = new SessionVwap();
    const theirs = new VWAP();
    let last: number | null = null;
    // trading-signals answers null for a bar with no volume; ours keeps the session's value.
    const compared = expectAgreesWith(
      (bar) => ours.update(bar),
      (bar) => {
        last = theirs.update(bar, false) ?? last;
        return last;
      },
      bars,
      0,
    );
    expect(compared).toBe(200);
  });
});
