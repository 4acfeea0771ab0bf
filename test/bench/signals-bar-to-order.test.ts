import { describe, expect, it } from 'vitest';
import { benchmarks } from '../../bench/signals/bar-to-order.bench.ts';

describe('Benchmark: signals.bar_to_order, scaled down', () => {
  it('times one order per bar through the whole local signal path', async () => {
    const [benchmark] = benchmarks;
    const result = await benchmark!.execute({ scale: 0.01 });
    // Every measured bar gave its order: a bar without one would be missing from the histogram.
    expect([result.name, result.n]).toStrictEqual(['signals.bar_to_order', 10]);
  }, 120_000);
});
