import { describe, expect, it } from 'vitest';
import { reportTiming } from '../../../../shared/ops/post-market/report-timing.ts';
import { newYorkToUtcMs } from '../../../../shared/time/new-york-time.ts';

const fullDay = [{ date: '2026-11-24', open: '09:30', close: '16:00' }];
const at = (date: string, hhmm: string) => {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number];
  return newYorkToUtcMs(date, hours * 60 + minutes);
};

describe('reportTiming', () => {
  it('runs 15 minutes after the close on a schedule, and says when before that', () => {
    expect(reportTiming('2026-11-24', at('2026-11-24', '16:14'), fullDay)).toEqual({
      run: false,
      reason: 'the market closes at 16:00 on 2026-11-24; the report runs at 16:15',
    });
    expect(reportTiming('2026-11-24', at('2026-11-24', '16:15'), fullDay)).toEqual({
      run: true,
      session: fullDay[0],
    });
  });

  it('reports the day so far when asked on demand before the close', () => {
    expect(reportTiming('2026-11-24', at('2026-11-24', '11:00'), fullDay, true)).toEqual({
      run: true,
      session: fullDay[0],
    });
  });

  it('never reports a day without a session, even on demand', () => {
    expect(reportTiming('2026-11-26', at('2026-11-26', '17:00'), [], true)).toEqual({
      run: false,
      reason: "no trading session on 2026-11-26 in the broker's calendar",
    });
  });

  it('reads a 23:59 close as midnight, as the engine does, and names the next day', () => {
    const lateDay = [{ date: '2026-11-24', open: '00:00', close: '23:59' }];
    expect(reportTiming('2026-11-24', at('2026-11-24', '12:00'), lateDay)).toEqual({
      run: false,
      reason: 'the market closes at 23:59 on 2026-11-24; the report runs at 00:15 on 2026-11-25',
    });
  });
});
