import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../shared/metrics/latency-histogram.ts';

/** The exact percentile of a sorted list, by the same nearest-rank rule. */
function exactPercentile(sorted: readonly number[], percent: number): number {
  return sorted[Math.max(1, Math.ceil((percent / 100) * sorted.length)) - 1]!;
}

describe('Class: LatencyHistogram', () => {
  it('answers null before anything is recorded', () => {
    expect(new LatencyHistogram().percentiles()).toBeNull();
  });

  it('reports count, percentiles and the exact maximum', () => {
    const histogram = new LatencyHistogram();
    for (let us = 1; us <= 100; us++) histogram.record(us);

    const answer = histogram.percentiles()!;

    expect(answer.count).toBe(100);
    expect(answer.maxUs).toBe(100);
    expect(answer.p50Us).toBeGreaterThanOrEqual(50);
    expect(answer.p50Us).toBeLessThanOrEqual(50 * (1 + 1 / 32));
    expect(answer.p99Us).toBeGreaterThanOrEqual(99);
    expect(answer.p99Us).toBeLessThanOrEqual(100);
  });

  it('counts nothing lost: negative, zero, sub-nanosecond and beyond-range values', () => {
    const histogram = new LatencyHistogram();
    histogram.record(-3);
    histogram.record(0);
    histogram.record(0.0004);
    histogram.record(9_000_000);

    expect(histogram.count).toBe(4);
    expect(histogram.percentileUs(50)).toBe(0);
    expect(histogram.percentileUs(100)).toBe(9_000_000);
  });

  it('puts every percentile at or above the exact one and within 1/32 of it (or 1 ns)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 4_000_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(1, 50, 90, 99, 99.9, 100),
        (values, percent) => {
          const histogram = new LatencyHistogram();
          for (const value of values) histogram.record(value);
          // The histogram works in whole nanoseconds: compare against the values as it sees them.
          const sorted = values.map((value) => Math.floor(value * 1000) / 1000).sort((a, b) => a - b);
          const exact = exactPercentile(sorted, percent);
          const reported = histogram.percentileUs(percent);
          expect(reported).toBeGreaterThanOrEqual(exact);
          expect(reported).toBeLessThanOrEqual(Math.max(exact * (1 + 1 / 32), exact + 0.001) + 1e-9);
          expect(reported).toBeLessThanOrEqual(Math.max(...values));
        },
      ),
    );
  });
});
