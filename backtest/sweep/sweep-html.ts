/**
 * A ranked sweep as one self-contained HTML page: inline styles, no scripts, nothing fetched, every
 * string from the run (parameter values, error messages, the title) escaped.
 */

import { escapeHtml } from '../../shared/text/escape-html.ts';
import type { RankedRun } from './sweep-ranking.ts';
import { type SweepColumn, type SweepTableOptions, sweepTableView } from './sweep-table-view.ts';

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

export function renderSweepHtml(options: SweepTableOptions, runs: readonly RankedRun[]): string {
  const { title } = options;
  const view = sweepTableView(options, runs);
  // Text columns are left-aligned; the error's cells also wrap and are red.
  const headerAttributes = (column: SweepColumn): string => {
    if (column.kind === 'param' || column.kind === 'error') return ' class="param"';
    return column.ranked ? ' class="ranked"' : '';
  };
  const cellAttributes = (column: SweepColumn): string =>
    column.kind === 'error' ? ' class="error"' : headerAttributes(column);

  const headerCells = view.columns.map(
    (column) => `<th${headerAttributes(column)}>${escapeHtml(column.label)}</th>`,
  );
  const rows = view.rows.map((row) => {
    const cells = row.cells.map(
      (text, index) => `<td${cellAttributes(view.columns[index]!)}>${escapeHtml(text)}</td>`,
    );
    return `<tr${row.failed ? ' class="failed"' : ''}>${cells.join('')}</tr>`;
  });

  const summary = escapeHtml(view.caption);
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
