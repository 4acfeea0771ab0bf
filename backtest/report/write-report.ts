/**
 * The report's one I/O step: report.json and report.html into an output folder (created when
 * missing, files replaced when present).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadChartLibrary } from '../../shared/html/chart-library.ts';
import type { BacktestResult } from '../backtest-result.ts';
import { renderReportHtml } from './report-html.ts';
import { type BacktestReport, buildReport, reportJson } from './report-json.ts';

export interface WrittenReport {
  readonly report: BacktestReport;
  readonly jsonPath: string;
  readonly htmlPath: string;
}

export async function writeReport(result: BacktestResult, outputDir: string): Promise<WrittenReport> {
  const report = buildReport(result);
  const html = renderReportHtml(report, await loadChartLibrary());
  await mkdir(outputDir, { recursive: true });
  const jsonPath = join(outputDir, 'report.json');
  const htmlPath = join(outputDir, 'report.html');
  await Promise.all([writeFile(jsonPath, reportJson(report)), writeFile(htmlPath, html)]);
  return { report, jsonPath, htmlPath };
}
