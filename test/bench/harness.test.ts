import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latencyBenchmark } from '../../bench/harness.ts';
import { discoverBenchmarks } from '../../bench/run.ts';

describe('Module: bench harness', () => {
  it('reports ordered percentiles and throughput from a histogram', async () => {
    let calls = 0;
    const result = await latencyBenchmark({
      name: 'test.sum',
      iterations: 1_000,
      warmup: 100,
      setup: () => [1, 2, 3],
      op: (values, i) => {
        calls++;
        return values.reduce((a, b) => a + b, i);
      },
    }).execute({ scale: 1 });
    expect(calls).toBe(100 + 1_000 + 1_000);
    expect(result.name).toBe('test.sum');
    expect(result.unit).toBe('us');
    expect(result.n).toBe(1_000);
    expect(result.p50).toBeLessThanOrEqual(result.p99);
    expect(result.p99).toBeLessThanOrEqual(result.p999);
    expect(result.p999).toBeLessThanOrEqual(result.max);
    expect(result.ops_per_s).toBeGreaterThan(0);
  });

  it('discovers every suite in the repo, with unique stable names', async () => {
    const benchmarks = await discoverBenchmarks(join(import.meta.dirname, '../../bench'));
    const names = benchmarks.map((benchmark) => benchmark.name);
    expect(names).toContain('config.load');
    expect(new Set(names).size).toBe(names.length);
    const config = benchmarks.find((benchmark) => benchmark.name === 'config.load')!;
    const result = await config.execute({ scale: 0.01 });
    expect(result.n).toBe(20);
  });
});
