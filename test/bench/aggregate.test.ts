import { describe, expect, it } from 'vitest';
import { aggregate, median } from '../../bench/aggregate.ts';
import type { BenchmarkResult } from '../../bench/harness.ts';

function run(figures: Partial<BenchmarkResult>): BenchmarkResult {
  return {
    name: 'book.update',
    unit: 'us',
    n: 1_000,
    p50: 1,
    p99: 2,
    p999: 3,
    max: 4,
    ops_per_s: 100,
    ...figures,
  };
}

describe('Module: bench aggregate', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([9, 1, 1, 7, 2])).toBe(2);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
  });

  it('refuses to take the median of nothing', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('reports the median of every figure, so one run under load does not move it', () => {
    const result = aggregate([
      run({ p50: 0.61, p99: 1.42, p999: 3.1, max: 20, ops_per_s: 1_800_000 }),
      run({ p50: 0.9, p99: 4.5, p999: 40, max: 900, ops_per_s: 900_000 }),
      run({ p50: 0.6, p99: 1.2, p999: 2.8, max: 15, ops_per_s: 1_900_000 }),
    ]);
    expect(result).toEqual({
      name: 'book.update',
      unit: 'us',
      n: 1_000,
      p50: 0.61,
      p99: 1.42,
      p999: 3.1,
      max: 20,
      ops_per_s: 1_800_000,
      repeats: 3,
      p50_min: 0.6,
      p50_max: 0.9,
      p99_min: 1.2,
      p99_max: 4.5,
      ops_per_s_min: 900_000,
      ops_per_s_max: 1_900_000,
    });
  });

  it('keeps the harness resolution when an even count averages two runs', () => {
    const result = aggregate([
      run({ n: 99, p50: 0.018, p99: 0.029, ops_per_s: 55_000_001 }),
      run({ n: 100, p50: 0.019, p99: 0.03, ops_per_s: 55_000_002 }),
    ]);
    expect(result.p50).toBe(0.019);
    expect(result.p99).toBe(0.03);
    expect(result.n).toBe(100);
    expect(result.ops_per_s).toBe(55_000_002);
    expect(result.repeats).toBe(2);
  });

  it('has no spread for a single run', () => {
    const result = aggregate([run({})]);
    expect([result.p50_min, result.p50_max]).toEqual([1, 1]);
    expect([result.p99_min, result.p99_max]).toEqual([2, 2]);
  });

  it('refuses no runs, and runs of different benchmarks', () => {
    expect(() => aggregate([])).toThrow(RangeError);
    expect(() => aggregate([run({}), run({ name: 'book.top' })])).toThrow('book.update, book.top');
  });
});
