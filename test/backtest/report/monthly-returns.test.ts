import { describe, expect, it } from 'vitest';
import { calendarReturns } from '../../../backtest/report/monthly-returns.ts';
import { wholeRange } from '../../../backtest/report/slice-range.ts';
import { curveResult, nyTime } from '../../support/backtest-results.ts';

describe('calendarReturns', () => {
  it('chains month ends across a year boundary, by New York date', () => {
    // Starting cash 100. The 22:00 slice on 2025-12-31 is 2026-01-01 03:00 UTC: still December in New York.
    const { equity } = curveResult([
      { timeMs: nyTime('2025-11-14', '16:00'), equity: 105 },
      { timeMs: nyTime('2025-11-28', '16:00'), equity: 110 },
      { timeMs: nyTime('2025-12-15', '16:00'), equity: 99 },
      { timeMs: nyTime('2025-12-31', '16:00'), equity: 115 },
      { timeMs: nyTime('2025-12-31', '22:00'), equity: 121 },
      { timeMs: nyTime('2026-01-02', '16:00'), equity: 133.1 },
      { timeMs: nyTime('2026-01-30', '16:00'), equity: 121 },
      { timeMs: nyTime('2026-03-02', '16:00'), equity: 108.9 },
    ]);
    const { months, years } = calendarReturns(equity.timeMs, equity.equity, wholeRange(equity), 100);
    // November: 110/100 − 1; December: 121/110 − 1; January: 121/121 − 1; March (no February
    // slice): 108.9/121 − 1 = −0.1.
    expect(months.map((month) => month.period)).toStrictEqual(['2025-11', '2025-12', '2026-01', '2026-03']);
    for (const [i, expected] of [0.1, 0.1, 0, -0.1].entries()) {
      expect(months[i]!.return).toBeCloseTo(expected, 12);
    }
    // 2025: 121/100 − 1; 2026: 108.9/121 − 1.
    expect(years.map((year) => year.period)).toStrictEqual(['2025', '2026']);
    expect(years[0]!.return).toBeCloseTo(0.21, 12);
    expect(years[1]!.return).toBeCloseTo(-0.1, 12);
  });

  it('has no return on a month measured against nothing', () => {
    const { equity } = curveResult([
      { timeMs: nyTime('2026-01-30', '16:00'), equity: 0 },
      { timeMs: nyTime('2026-02-27', '16:00'), equity: 10 },
    ]);
    const { months } = calendarReturns(equity.timeMs, equity.equity, wholeRange(equity), 100);
    expect(months).toStrictEqual([
      { period: '2026-01', return: -1 },
      { period: '2026-02', return: null },
    ]);
  });
});
