/**
 * The day's slippage in basis points (shared/domain/slippage-bps.ts: positive = worse than the
 * decision's reference price), one sample per fill whose order kept its reference price. The
 * statistics weigh each fill alike, whatever its size; the p95 is the nearest-rank percentile.
 */
import type { Fill } from '../../domain/fill.ts';
import type { Fixed } from '../../domain/fixed.ts';
import { measureSlippage, type SlippageMeasurement } from '../../domain/slippage-bps.ts';

export type SlippageSample = SlippageMeasurement;

export interface SlippageStats {
  readonly count: number;
  /** Fills whose order has no reference price (external orders, orders recorded before it was kept). */
  readonly unmeasured: number;
  /** Null when there is no sample. */
  readonly meanBps: number | null;
  readonly medianBps: number | null;
  readonly p95Bps: number | null;
  /** The sample with the most positive (worst) slippage. */
  readonly worst: SlippageSample | null;
}

export function slippageSamples(
  fills: readonly Fill[],
  referencePriceOf: (clientOrderId: string) => Fixed | null,
): { readonly samples: SlippageSample[]; readonly unmeasured: number } {
  const samples: SlippageSample[] = [];
  let unmeasured = 0;
  for (const fill of fills) {
    const referencePrice = referencePriceOf(fill.clientOrderId);
    if (referencePrice === null || referencePrice <= 0n) {
      unmeasured += 1;
      continue;
    }
    samples.push(measureSlippage(fill, referencePrice));
  }
  return { samples, unmeasured };
}

export function slippageStats(samples: readonly SlippageSample[], unmeasured: number): SlippageStats {
  if (samples.length === 0) {
    return { count: 0, unmeasured, meanBps: null, medianBps: null, p95Bps: null, worst: null };
  }
  const sorted = [...samples].sort((a, b) => a.bps - b.bps);
  const values = sorted.map((sample) => sample.bps);
  const middle = Math.floor(values.length / 2);
  return {
    count: values.length,
    unmeasured,
    meanBps: values.reduce((sum, value) => sum + value, 0) / values.length,
    medianBps: values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2,
    p95Bps: values[Math.ceil(0.95 * values.length) - 1]!,
    worst: sorted[sorted.length - 1]!,
  };
}
