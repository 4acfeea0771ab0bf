/** An OpsReport as text for the terminal: the summary line, then the table with aligned columns. */
import type { OpsReport, OpsTable } from './ops-report.ts';

/** Columns named in `rightAligned` (numbers, so their digits line up) are padded on the left. */
export function renderTable(
  table: OpsTable,
  options: { readonly rightAligned?: readonly string[] } = {},
): string {
  const right = new Set(options.rightAligned ?? []);
  const widths = table.columns.map((column, index) =>
    Math.max(column.length, ...table.rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) =>
        right.has(table.columns[index] ?? '')
          ? cell.padStart(widths[index] ?? 0)
          : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(table.columns), line(widths.map((width) => '-'.repeat(width))), ...table.rows.map(line)].join(
    '\n',
  );
}

export function renderOpsReport(report: OpsReport): string {
  const head = `${report.job} ${report.newYorkDate}: ${report.outcome.toUpperCase()} — ${report.summary}`;
  return report.table.rows.length === 0 ? head : `${head}\n\n${renderTable(report.table)}`;
}
