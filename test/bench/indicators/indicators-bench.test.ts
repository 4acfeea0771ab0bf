import { describe, expect, it } from 'vitest';
import { benchmarks } from '../../../bench/indicators/indicators.bench.ts';

describe('Module: indicator benchmarks', () => {
  it('runs every indicator benchmark, each comparison beside a benchmark of ours', async () => {
    const names = benchmarks.map((benchmark) => benchmark.name);
    for (const name of names.filter((n) => n.endsWith('.trading_signals'))) {
      expect(names).toContain(name.replace(/\.trading_signals$/, ''));
    }
    expect(names.filter((n) => !n.endsWith('.trading_signals'))).toHaveLength(13);
    for (const benchmark of benchmarks) {
      const result = await benchmark.execute({ scale: 0.0005 });
      expect(result.n, benchmark.name).toBe(10);
      expect(result.ops_per_s, benchmark.name).toBeGreaterThan(0);
    }
  });
});
