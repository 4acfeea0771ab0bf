/**
 * Folds repeated runs of one benchmark into one result. On a shared VM one run's p99 moves by
 * ±30%, so each figure is the median across the runs, which one run under a burst of load cannot
 * drag far, and p50, p99 and throughput also carry their min–max spread, which says how noisy the
 * runs were.
 */
import type { BenchmarkResult } from './harness.ts';

export interface AggregateResult extends BenchmarkResult {
  /** Runs folded into this result; every other figure is their median (n: samples per run). */
  readonly repeats: number;
  readonly p50_min: number;
  readonly p50_max: number;
  readonly p99_min: number;
  readonly p99_max: number;
  readonly ops_per_s_min: number;
  readonly ops_per_s_max: number;
}

/** The middle value; for an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = values.toSorted((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Back to the harness's resolution (whole ns), so an even count's mean prints no float residue. */
const toNs = (us: number): number => Math.round(us * 1000) / 1000;

export function aggregate(runs: readonly BenchmarkResult[]): AggregateResult {
  const first = runs[0];
  if (first === undefined) throw new RangeError('no runs to aggregate');
  const other = runs.find((run) => run.name !== first.name);
  if (other !== undefined) throw new Error(`runs of different benchmarks: ${first.name}, ${other.name}`);
  const all = (figure: (run: BenchmarkResult) => number): number[] => runs.map(figure);
  const p50 = all((run) => run.p50);
  const p99 = all((run) => run.p99);
  const opsPerSecond = all((run) => run.ops_per_s);
  return {
    name: first.name,
    unit: first.unit,
    n: Math.round(median(all((run) => run.n))),
    p50: toNs(median(p50)),
    p99: toNs(median(p99)),
    p999: toNs(median(all((run) => run.p999))),
    max: toNs(median(all((run) => run.max))),
    ops_per_s: Math.round(median(opsPerSecond)),
    repeats: runs.length,
    p50_min: Math.min(...p50),
    p50_max: Math.max(...p50),
    p99_min: Math.min(...p99),
    p99_max: Math.max(...p99),
    ops_per_s_min: Math.min(...opsPerSecond),
    ops_per_s_max: Math.max(...opsPerSecond),
  };
}
