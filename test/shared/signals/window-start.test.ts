import { describe, expect, it } from 'vitest';
import { windowStart } from '../../../shared/signals/window-start.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';

/** Minute bars from `fromMinuteOfDay` New York time on 2026-11-24, `count` of them in a row. */
function minutes(fromMinuteOfDay: number, count: number): { startUs: number }[] {
  const firstMs = newYorkToUtcMs('2026-11-24', fromMinuteOfDay);
  return Array.from({ length: count }, (_, i) => ({ startUs: (firstMs + i * 60_000) * 1_000 }));
}

describe('windowStart', () => {
  // 23:00 on the 24th to 04:19 on the 25th: the 25th begins with the 61st bar.
  const acrossMidnight = minutes(23 * 60, 320);

  it('takes the newest windowBars when they reach back past the day’s first bar', () => {
    expect(windowStart(acrossMidnight, 300)).toBe(20);
  });

  it('reaches back to the first bar of the newest bar’s New York day', () => {
    expect(windowStart(acrossMidnight, 150)).toBe(60);
    // 09:30 to 15:29: the whole session is the window.
    expect(windowStart(minutes(9 * 60 + 30, 360), 150)).toBe(0);
  });

  it('takes everything held when fewer bars than the window are held', () => {
    expect(windowStart(minutes(600, 10), 150)).toBe(0);
    expect(windowStart([], 150)).toBe(0);
  });
});
