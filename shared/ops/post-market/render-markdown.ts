/** A ReportDocument as Markdown: headings, paragraphs and pipe tables (an empty table is left out). */
import type { OpsTable } from '../ops-report.ts';
import type { ReportDocument } from './report-document.ts';

const cell = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');

function table(rows: OpsTable): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(rows.columns), line(rows.columns.map(() => '---')), ...rows.rows.map(line)].join('\n');
}

export function renderMarkdown(document: ReportDocument): string {
  const parts = [`# ${document.title}`];
  for (const section of document.sections) {
    parts.push(`## ${section.heading}`, ...section.paragraphs);
    for (const rows of section.tables) if (rows.rows.length > 0) parts.push(table(rows));
  }
  return `${parts.join('\n\n')}\n`;
}
