/**
 * Samples as a distribution of distinct values and their counts. Rounding to 0.1 ms puts an
 * interval's order answers on few distinct values (EMF allows 100 per metric and line) while
 * keeping percentiles far finer than a broker round trip varies.
 */
import type { EmfDistribution } from '../../shared/metrics/emf.ts';

/** Sorts `samples` in place (it is the caller's scratch buffer) and counts each rounded value. */
export function roundedDistribution(samples: Float64Array, decimals: number): EmfDistribution {
  const scale = 10 ** decimals;
  samples.sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (const sample of samples) {
    const value = Math.round(sample * scale) / scale;
    const last = values.length - 1;
    if (last >= 0 && values[last] === value) counts[last]!++;
    else {
      values.push(value);
      counts.push(1);
    }
  }
  return { values, counts };
}
