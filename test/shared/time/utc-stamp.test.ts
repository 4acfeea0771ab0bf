import { describe, expect, it } from 'vitest';
import { formatUtcStamp, parseUtcStamp } from '../../../shared/time/utc-stamp.ts';

describe('UTC stamps for file names', () => {
  it('formats an instant compactly and reads it back', () => {
    const ms = Date.UTC(2026, 11, 2, 23, 30, 7, 45);
    expect(formatUtcStamp(ms)).toBe('20261202T233007.045Z');
    expect(parseUtcStamp('20261202T233007.045Z')).toBe(ms);
  });

  it('sorts as time does', () => {
    const stamps = [Date.UTC(2027, 0, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2026, 0, 9)].map(
      formatUtcStamp,
    );
    expect([...stamps].sort()).toStrictEqual([stamps[2], stamps[1], stamps[0]]);
  });

  it.each(['20261302T000000.000Z', '20261202T250000.000Z', '20261202T233007Z', 'x20261202T233007.045Z'])(
    'refuses %s',
    (text) => {
      expect(parseUtcStamp(text)).toBeNull();
    },
  );
});
