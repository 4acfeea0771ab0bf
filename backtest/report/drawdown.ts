/**
 * Drawdown on the per-slice curve: how far each slice sits below the highest value reached so
 * far, the range's base (its starting value) counting as the first peak.
 */
import type { SliceRange } from './slice-range.ts';

/** Drawdown at each slice of the range, as a fraction ≤ 0 (−0.1 is 10% below the peak). */
export function drawdownSeries(values: Float64Array, range: SliceRange, base: number): Float64Array {
  const drawdown = new Float64Array(range.end - range.start);
  let peak = base;
  for (let i = range.start; i < range.end; i++) {
    const value = values[i]!;
    if (value > peak) peak = value;
    drawdown[i - range.start] = value / peak - 1;
  }
  return drawdown;
}

export interface MaxDrawdown {
  /** The deepest drawdown, a fraction < 0. */
  readonly depth: number;
  /** Slice of the peak it fell from; −1 when that peak is the base (before the range's first slice). */
  readonly peakSlice: number;
  readonly troughSlice: number;
  /** First slice after the trough back at or above the peak; null when the range ends under water. */
  readonly recoverySlice: number | null;
}

/** The deepest drawdown; of equally deep ones, the first. Null when the range never falls below a peak. */
export function maxDrawdown(values: Float64Array, range: SliceRange, base: number): MaxDrawdown | null {
  let peak = base;
  let peakSlice = -1;
  let depth = 0;
  let deepestPeakSlice = -1;
  let troughSlice = range.start;
  for (let i = range.start; i < range.end; i++) {
    const value = values[i]!;
    if (value > peak) {
      peak = value;
      peakSlice = i;
    }
    const drawdown = value / peak - 1;
    if (drawdown < depth) {
      depth = drawdown;
      deepestPeakSlice = peakSlice;
      troughSlice = i;
    }
  }
  if (depth === 0) return null;
  const peakValue = deepestPeakSlice === -1 ? base : values[deepestPeakSlice]!;
  let recoverySlice: number | null = null;
  for (let i = troughSlice + 1; i < range.end; i++) {
    if (values[i]! >= peakValue) {
      recoverySlice = i;
      break;
    }
  }
  return { depth, peakSlice: deepestPeakSlice, troughSlice, recoverySlice };
}
