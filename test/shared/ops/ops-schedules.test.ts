import { describe, expect, it } from 'vitest';
import { OPS_SCHEDULES, OPS_TIME_ZONE } from '../../../shared/ops/ops-schedules.ts';
import { cronerPattern, ScheduleExpression } from '../../../shared/ops/schedule-expression.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('OPS_SCHEDULES evaluated in New York time', () => {
  const schedule = (job: keyof typeof OPS_SCHEDULES) =>
    new ScheduleExpression(OPS_SCHEDULES[job].expression, OPS_TIME_ZONE);

  it('fires the pre-market check at 09:00 New York on both sides of the March DST change', () => {
    // 2026-03-08: clocks go forward; 09:00 EST = 14:00Z before, 09:00 EDT = 13:00Z after.
    expect(schedule('premarket').nextFirings(at('2026-03-05T00:00:00Z'), 4).map(iso)).toEqual([
      '2026-03-05T14:00:00.000Z',
      '2026-03-06T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
    ]);
  });

  it('fires the pre-market check at 09:00 New York on both sides of the November DST change', () => {
    // 2026-11-01: clocks go back; 09:00 EDT = 13:00Z on Friday, 09:00 EST = 14:00Z on Monday.
    expect(schedule('premarket').nextFirings(at('2026-10-30T00:00:00Z'), 2).map(iso)).toEqual([
      '2026-10-30T13:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
    ]);
  });

  it('fires the post-market report at 13:15 and 16:15 New York across the DST changes', () => {
    expect(schedule('report').nextFirings(at('2026-03-06T00:00:00Z'), 4).map(iso)).toEqual([
      '2026-03-06T18:15:00.000Z',
      '2026-03-06T21:15:00.000Z',
      '2026-03-09T17:15:00.000Z',
      '2026-03-09T20:15:00.000Z',
    ]);
    expect(schedule('report').nextFirings(at('2026-10-30T00:00:00Z'), 4).map(iso)).toEqual([
      '2026-10-30T17:15:00.000Z',
      '2026-10-30T20:15:00.000Z',
      '2026-11-02T18:15:00.000Z',
      '2026-11-02T21:15:00.000Z',
    ]);
  });

  it('reconciles every 5 minutes from 09:00 to 16:55 New York on weekdays, not at weekends', () => {
    const reconcile = schedule('reconcile');
    const friday = reconcile.nextFirings(at('2026-11-06T14:00:00Z'), 200);
    expect(iso(friday[0]!)).toBe('2026-11-06T14:05:00.000Z');
    // 16:55 EST on Friday is the last; the next is Monday 09:00 EST.
    const last = friday.indexOf(at('2026-11-06T21:55:00Z'));
    expect(last).toBeGreaterThan(0);
    expect(iso(friday[last + 1]!)).toBe('2026-11-09T14:00:00.000Z');
    for (let index = 1; index < last; index++) expect(friday[index]! - friday[index - 1]!).toBe(300_000);
  });

  it('snapshots the config every day at 18:30 New York, weekends included', () => {
    expect(schedule('backup').nextFirings(at('2026-03-06T00:00:00Z'), 3).map(iso)).toEqual([
      '2026-03-06T23:30:00.000Z',
      '2026-03-07T23:30:00.000Z',
      '2026-03-08T22:30:00.000Z',
    ]);
  });
});

describe('cronerPattern', () => {
  it('turns EventBridge fields into croner fields', () => {
    expect(cronerPattern('cron(0/5 9-16 ? * MON-FRI *)')).toBe('0 0-59/5 9-16 ? * MON-FRI *');
    expect(cronerPattern(' cron(15 13,16 ? * MON-FRI 2027) ')).toBe('0 15 13,16 ? * MON-FRI 2027');
  });

  it('refuses what it cannot translate faithfully, naming the problem', () => {
    expect(() => cronerPattern('rate(5 minutes)')).toThrow(/not an EventBridge cron/);
    expect(() => cronerPattern('cron(0 9 ? * MON-FRI)')).toThrow(/5 fields; EventBridge cron takes 6/);
    expect(() => cronerPattern('cron(0 9 ? * 2-6 *)')).toThrow(/with names/);
  });
});
