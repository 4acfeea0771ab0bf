/**
 * The result of a sweep on disk: its runs ranked by the chosen metric, as sweep.csv (for analysis)
 * and sweep.html (to read), both in the same order.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSweepCsv } from './sweep-csv.ts';
import type { SweepAxis } from './sweep-grid.ts';
import { renderSweepHtml } from './sweep-html.ts';
import type { SweepMetric } from './sweep-metrics.ts';
import { type RankedRun, rankSweepRuns, type SweepRun } from './sweep-ranking.ts';

export interface SweepTable {
  /** What was swept, for the page's heading, e.g. "ma-cross on AAPL, MSFT, 2020-01-01 to 2024-12-31". */
  readonly title: string;
  readonly axes: readonly SweepAxis[];
  /** One per grid point, in expandSweep's order. */
  readonly runs: readonly SweepRun[];
  readonly rankBy: SweepMetric;
}

export interface WrittenSweepTable {
  readonly csvPath: string;
  readonly htmlPath: string;
  readonly ranked: readonly RankedRun[];
}

export async function writeSweepTable(directory: string, table: SweepTable): Promise<WrittenSweepTable> {
  const parameterNames = table.axes.map((axis) => axis.name);
  const ranked = rankSweepRuns(table.runs, table.rankBy);
  const csvPath = join(directory, 'sweep.csv');
  const htmlPath = join(directory, 'sweep.html');
  await mkdir(directory, { recursive: true });
  await Promise.all([
    writeFile(csvPath, renderSweepCsv(parameterNames, ranked)),
    writeFile(
      htmlPath,
      renderSweepHtml({ title: table.title, metric: table.rankBy, parameterNames }, ranked),
    ),
  ]);
  return { csvPath, htmlPath, ranked };
}
