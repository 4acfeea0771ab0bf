/**
 * The metrics a sweep can rank its runs by, and which way is better for each. The lead's sweep
 * worker fills a SweepMetrics per run from the run's report; a metric a run cannot have (a Sharpe
 * ratio without returns, a profit factor without trades) is null and ranks last.
 */

export type MetricDirection = 'higher' | 'lower';

export interface MetricInfo {
  /** How a table heads the column. */
  readonly label: string;
  readonly better: MetricDirection;
  /** How a person reads it: a fraction shown as a percentage, a ratio, or a count. */
  readonly kind: 'fraction' | 'ratio' | 'count';
}

export const SWEEP_METRICS = {
  totalReturn: { label: 'Total return', better: 'higher', kind: 'fraction' },
  cagr: { label: 'CAGR', better: 'higher', kind: 'fraction' },
  sharpe: { label: 'Sharpe', better: 'higher', kind: 'ratio' },
  sortino: { label: 'Sortino', better: 'higher', kind: 'ratio' },
  calmar: { label: 'Calmar', better: 'higher', kind: 'ratio' },
  /** The deepest peak-to-trough fall as a positive fraction (0.25 = 25 % down): smaller is better. */
  maxDrawdown: { label: 'Max drawdown', better: 'lower', kind: 'fraction' },
  profitFactor: { label: 'Profit factor', better: 'higher', kind: 'ratio' },
  winRate: { label: 'Win rate', better: 'higher', kind: 'fraction' },
  trades: { label: 'Trades', better: 'higher', kind: 'count' },
} as const satisfies Record<string, MetricInfo>;

export type SweepMetric = keyof typeof SWEEP_METRICS;

/** Catalogue order: the order of a table's metric columns. */
export const SWEEP_METRIC_NAMES = Object.keys(SWEEP_METRICS) as readonly SweepMetric[];

export type SweepMetrics = Readonly<Record<SweepMetric, number | null>>;

const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US');

/** For a person: 0.1234 as a fraction → "12.34%", a ratio → "0.12", a count → "1,234"; null → "–". */
export function formatMetricValue(metric: SweepMetric, value: number | null): string {
  if (value === null || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  switch (SWEEP_METRICS[metric].kind) {
    case 'fraction':
      return `${decimal.format(value * 100)}%`;
    case 'ratio':
      return decimal.format(value);
    case 'count':
      return count.format(value);
  }
}

export function isSweepMetric(name: string): name is SweepMetric {
  return Object.hasOwn(SWEEP_METRICS, name);
}

/** Reads a metric name from the command line, naming the choices when it is not one. */
export function parseSweepMetric(name: string): SweepMetric {
  if (isSweepMetric(name)) return name;
  throw new RangeError(
    `unknown metric ${JSON.stringify(name)}: rank by one of ${SWEEP_METRIC_NAMES.join(', ')}`,
  );
}
