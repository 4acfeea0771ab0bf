/**
 * A ranked sweep as Markdown (a sweep on AWS writes it as summary.md): the title, the caption and
 * any notes, then the table of sweep-table-view.ts (the columns and formatting of sweep.html), the
 * ranking column in bold. Rendered by the post-market report's Markdown renderer, which escapes
 * the pipes and line breaks a cell may hold.
 */
import { renderMarkdown } from '../../shared/ops/post-market/render-markdown.ts';
import type { RankedRun } from './sweep-ranking.ts';
import { type SweepTableOptions, sweepTableView } from './sweep-table-view.ts';

export function renderSweepMarkdown(
  options: SweepTableOptions,
  runs: readonly RankedRun[],
  /** Paragraphs after the caption (the run, where its files are). */
  notes: readonly string[] = [],
): string {
  const view = sweepTableView(options, runs);
  return renderMarkdown({
    title: `Sweep: ${options.title}`,
    sections: [
      {
        heading: 'Runs',
        paragraphs: [`${view.caption}.`, ...notes],
        tables: [
          {
            columns: view.columns.map((column) => (column.ranked ? `**${column.label}**` : column.label)),
            rows: view.rows.map((row) => row.cells),
          },
        ],
      },
    ],
  });
}
