import { describe, expect, it } from 'vitest';
import { formatCount, formatNewYorkTime, formatRate } from '../../../backtest/progress/progress-format.ts';
import { formatDuration } from '../../../shared/time/format-duration.ts';

describe('progress formats', () => {
  it.each([
    [1_234_567, '1.2M'],
    [12_345, '12.3K'],
    [999_960, '1M'],
    [950, '950'],
    [42.42, '42.4'],
    [0.4242, '0.42'],
    [0, '0'],
  ])('writes a rate of %s a second as %s', (perSecond, text) => {
    expect(formatRate(perSecond)).toBe(text);
  });

  it.each([
    [0, '0.0s'],
    [4_240, '4.2s'],
    [9_990, '10s'],
    [59_600, '1m 00s'],
    [200_000, '3m 20s'],
    [3_900_000, '1h 05m'],
    [90_000_000, '25h 00m'],
  ])('writes %s ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('groups the digits of counts', () => {
    expect(formatCount(12_345_678)).toBe('12,345,678');
  });

  it('writes simulated time as New York wall time, summer and winter', () => {
    expect(formatNewYorkTime(Date.UTC(2024, 0, 2, 14, 30))).toBe('2024-01-02 09:30 ET');
    expect(formatNewYorkTime(Date.UTC(2024, 6, 1, 20, 0))).toBe('2024-07-01 16:00 ET');
    expect(formatNewYorkTime(Date.UTC(2024, 6, 2, 3, 59))).toBe('2024-07-01 23:59 ET');
  });
});
