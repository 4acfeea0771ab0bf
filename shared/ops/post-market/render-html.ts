/**
 * A ReportDocument as one self-contained HTML page: inline styles, no scripts, fonts or images,
 * so it opens the same from S3, a local folder or an e-mail attachment. Every text is escaped.
 */

import { escapeHtml } from '../../text/escape-html.ts';
import type { OpsTable } from '../ops-report.ts';
import type { ReportDocument } from './report-document.ts';

const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f23;line-height:1.45}
h1{font-size:1.6rem;border-bottom:2px solid #d0d7de;padding-bottom:.4rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.8rem 0;font-variant-numeric:tabular-nums}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}`;

function table(rows: OpsTable): string {
  const head = rows.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const body = rows.rows
    .map((row) => `<tr>${row.map((value) => `<td>${escapeHtml(value)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function renderHtml(document: ReportDocument): string {
  const parts = [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(document.title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<h1>${escapeHtml(document.title)}</h1>`,
  ];
  for (const section of document.sections) {
    parts.push(`<h2>${escapeHtml(section.heading)}</h2>`);
    for (const paragraph of section.paragraphs) parts.push(`<p>${escapeHtml(paragraph)}</p>`);
    for (const rows of section.tables) if (rows.rows.length > 0) parts.push(table(rows));
  }
  parts.push('</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
