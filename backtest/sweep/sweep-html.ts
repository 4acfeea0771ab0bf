/**
 * A ranked sweep as one self-contained HTML page: inline styles, no scripts, nothing fetched, every
 * string from the run (parameter values, error messages, the title) escaped.
 */

import { escapeHtml } from '../../shared/text/escape-html.ts';
import { formatMetricValue, SWEEP_METRIC_NAMES, SWEEP_METRICS, type SweepMetric } from './sweep-metrics.ts';
import type { RankedRun } from './sweep-ranking.ts';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.3rem; margin: 0 0 0.3rem; }
p { color: #555; margin: 0 0 1rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th { background: #f4f4f6; position: sticky; top: 0; }
th.param, td.param { text-align: left; }
.ranked { background: #eef4ff; font-weight: 600; }
td.error { text-align: left; color: #a11; white-space: normal; }
tr.failed td { color: #888; }
`;

export interface SweepHtmlOptions {
  /** What was swept, e.g. "ma-cross on AAPL, MSFT, 2020-01-01 to 2024-12-31". */
  readonly title: string;
  readonly metric: SweepMetric;
  readonly parameterNames: readonly string[];
}

export function renderSweepHtml(options: SweepHtmlOptions, runs: readonly RankedRun[]): string {
  const { title, metric, parameterNames } = options;
  const info = SWEEP_METRICS[metric];
  const failed = runs.filter((run) => run.error !== null).length;
  const metricClass = (name: SweepMetric) => (name === metric ? ' class="ranked"' : '');

  const headerCells = [
    '<th>Rank</th>',
    ...parameterNames.map((name) => `<th class="param">${escapeHtml(name)}</th>`),
    ...SWEEP_METRIC_NAMES.map(
      (name) => `<th${metricClass(name)}>${escapeHtml(SWEEP_METRICS[name].label)}</th>`,
    ),
    ...(failed > 0 ? ['<th class="param">Error</th>'] : []),
  ];
  const rows = runs.map((run) => {
    const cells = [
      `<td>${run.rank}</td>`,
      ...parameterNames.map((name) => `<td class="param">${escapeHtml(String(run.params[name] ?? ''))}</td>`),
      ...SWEEP_METRIC_NAMES.map(
        (name) => `<td${metricClass(name)}>${formatMetricValue(name, run.metrics?.[name] ?? null)}</td>`,
      ),
      ...(failed > 0 ? [`<td class="error">${escapeHtml(run.error ?? '')}</td>`] : []),
    ];
    return `<tr${run.error === null ? '' : ' class="failed"'}>${cells.join('')}</tr>`;
  });

  const summary =
    `${runs.length} runs ranked by ${escapeHtml(info.label)} (${info.better} is better)` +
    (failed > 0 ? `; ${failed} failed, listed last` : '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep: ${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Sweep: ${escapeHtml(title)}</h1>
<p>${summary}</p>
<table>
<thead><tr>${headerCells.join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
