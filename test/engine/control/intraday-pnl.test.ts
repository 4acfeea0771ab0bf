import { describe, expect, it } from 'vitest';
import { IntradayPnl } from '../../../engine/control/intraday-pnl.ts';
import { fixedFromNumber } from '../../../shared/domain/fixed.ts';

const START = Date.UTC(2026, 11, 3, 14, 30);

function curve(points: number, sessionDate = '2026-12-03'): IntradayPnl {
  const pnl = new IntradayPnl();
  for (let i = 0; i < points; i++) pnl.sample(START + i * 10_000, sessionDate, fixedFromNumber(i));
  return pnl;
}

describe('Class: IntradayPnl', () => {
  it('keeps one point per 10 s, however often it is sampled', () => {
    const pnl = new IntradayPnl();
    for (let ms = 0; ms < 60_000; ms += 1_000) pnl.sample(START + ms, '2026-12-03', fixedFromNumber(ms));
    expect(pnl.points().map((point) => point.atMs - START)).toStrictEqual([
      0, 10_000, 20_000, 30_000, 40_000, 50_000,
    ]);
  });

  it('starts a new curve when the session changes', () => {
    const pnl = curve(5);
    pnl.sample(START + 86_400_000, '2026-12-04', fixedFromNumber(7));
    expect(pnl.points()).toStrictEqual([{ atMs: START + 86_400_000, daily: fixedFromNumber(7) }]);
  });

  it('keeps at most a day of points', () => {
    expect(curve(9_000).points()).toHaveLength(8_640);
  });

  it('thins the curve to the points asked for, keeping the latest', () => {
    const pnl = curve(1_000);
    const thinned = pnl.points(400);
    expect(thinned.length).toBeLessThanOrEqual(400);
    expect(thinned.length).toBeGreaterThan(300);
    expect(thinned.at(-1)).toStrictEqual(pnl.points().at(-1));
    expect(curve(10).points(400)).toHaveLength(10);
  });
});
