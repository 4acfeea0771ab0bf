/**
 * A ranked sweep as the text of a table a person reads: the caption, the columns (rank, the swept
 * parameters, every metric with the ranking one marked, and the error when a run failed) and each
 * run's cells with its numbers formatted. The HTML page (sweep-html.ts) and the Markdown summary
 * of a sweep on AWS (sweep-markdown.ts) are both drawn from it; text is not escaped here.
 */
import { formatMetricValue, SWEEP_METRIC_NAMES, SWEEP_METRICS, type SweepMetric } from './sweep-metrics.ts';
import type { RankedRun } from './sweep-ranking.ts';

export interface SweepTableOptions {
  /** What was swept, e.g. "ma-cross on AAPL, MSFT, 2020-01-01 to 2024-12-31". */
  readonly title: string;
  readonly metric: SweepMetric;
  readonly parameterNames: readonly string[];
}

export interface SweepColumn {
  readonly label: string;
  readonly kind: 'rank' | 'param' | 'metric' | 'error';
  /** The metric the runs are ranked by. */
  readonly ranked: boolean;
}

export interface SweepTableView {
  /** "4 runs ranked by Max drawdown (lower is better); 1 failed, listed last". */
  readonly caption: string;
  readonly columns: readonly SweepColumn[];
  readonly rows: readonly { readonly failed: boolean; readonly cells: readonly string[] }[];
}

export function sweepTableView(options: SweepTableOptions, runs: readonly RankedRun[]): SweepTableView {
  const { metric, parameterNames } = options;
  const info = SWEEP_METRICS[metric];
  const failed = runs.filter((run) => run.error !== null).length;
  const columns: SweepColumn[] = [
    { label: 'Rank', kind: 'rank', ranked: false },
    ...parameterNames.map((name) => ({ label: name, kind: 'param' as const, ranked: false })),
    ...SWEEP_METRIC_NAMES.map((name) => ({
      label: SWEEP_METRICS[name].label,
      kind: 'metric' as const,
      ranked: name === metric,
    })),
    ...(failed > 0 ? [{ label: 'Error', kind: 'error' as const, ranked: false }] : []),
  ];
  const rows = runs.map((run) => ({
    failed: run.error !== null,
    cells: [
      String(run.rank),
      ...parameterNames.map((name) => String(run.params[name] ?? '')),
      ...SWEEP_METRIC_NAMES.map((name) => formatMetricValue(name, run.metrics?.[name] ?? null)),
      ...(failed > 0 ? [run.error ?? ''] : []),
    ],
  }));
  const caption =
    `${runs.length} runs ranked by ${info.label} (${info.better} is better)` +
    (failed > 0 ? `; ${failed} failed, listed last` : '');
  return { caption, columns, rows };
}

/** A sweep's title: "ma-cross on AAPL, MSFT, 2020-01-01 to 2024-12-31". */
export function sweepTitle(strategy: string, symbols: readonly string[], from: string, to: string): string {
  return `${strategy} on ${symbols.join(', ')}, ${from} to ${to}`;
}
