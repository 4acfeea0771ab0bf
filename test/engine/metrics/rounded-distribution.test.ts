import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundedDistribution } from '../../../engine/metrics/rounded-distribution.ts';

describe('Function: roundedDistribution', () => {
  it('counts each sample once, under its value rounded to 0.1, in ascending distinct values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { maxLength: 300 }),
        (samples) => {
          // Act
          const { values, counts } = roundedDistribution(Float64Array.from(samples), 1);

          // Assess
          expect(counts.reduce((total, count) => total + count, 0)).toBe(samples.length);
          expect(values.every((value, i) => i === 0 || value > values[i - 1]!)).toBe(true);
          const expected = new Map<number, number>();
          for (const sample of samples) {
            const value = Math.round(sample * 10) / 10;
            expected.set(value, (expected.get(value) ?? 0) + 1);
          }
          expect(new Map(values.map((value, i) => [value, counts[i]!]))).toStrictEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rounds 0.14 and 0.06 to 0.1 and keeps 12.36 apart from 12.3', () => {
    expect(roundedDistribution(Float64Array.from([12.36, 0.14, 0.06, 12.3]), 1)).toStrictEqual({
      values: [0.1, 12.3, 12.4],
      counts: [2, 1, 1],
    });
  });
});
