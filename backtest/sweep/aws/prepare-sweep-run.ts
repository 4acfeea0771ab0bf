/**
 * The files the command uploads to start a sweep on AWS, made from what it loaded: the bars as one
 * CSV file in the --data format (what a --data run would load as these same bars), job.json with
 * the bars' hash and count, and grid.json with one item per point of the grid in expandSweep's
 * order. Pure; job.json is checked with the functions' own schema before it is offered for upload.
 */
import { createHash } from 'node:crypto';
import { historicalBarsCsv } from '../../data/csv-bar-lines.ts';
import type { HistoricalBars } from '../../data/historical-bars.ts';
import { expandSweep, parseSweepSpec } from '../sweep-grid.ts';
import {
  type GridItem,
  SWEEP_FILES_VERSION,
  type SweepJobFile,
  sweepJobFileSchema,
} from './sweep-run-files.ts';
import { pointIdOf, runKeys } from './sweep-run-layout.ts';

export type SweepRunRequest = Omit<SweepJobFile, 'formatVersion' | 'data'> & {
  /** The bars as the command loaded them (aggregated to the timeframe, the range and symbols asked for). */
  readonly bars: HistoricalBars;
};

export interface SweepRunUpload {
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
}

export interface PreparedSweepRun {
  readonly job: SweepJobFile;
  readonly points: number;
  /** In upload order: the bars and job.json before grid.json, which the execution starts from. */
  readonly uploads: readonly SweepRunUpload[];
}

export function prepareSweepRun(request: SweepRunRequest): PreparedSweepRun {
  const { bars, ...settings } = request;
  const csv = historicalBarsCsv(bars);
  const job = sweepJobFileSchema.parse({
    formatVersion: SWEEP_FILES_VERSION,
    ...settings,
    data: { sha256: createHash('sha256').update(csv).digest('hex'), bars: bars.length },
  });
  const grid: GridItem[] = expandSweep(parseSweepSpec(job.sweep)).map((params, index) => ({
    runId: job.runId,
    pointId: pointIdOf(index),
    params,
  }));
  const keys = runKeys(job.runId);
  return {
    job,
    points: grid.length,
    uploads: [
      { key: keys.data, body: csv, contentType: 'text/csv; charset=utf-8' },
      { key: keys.job, body: `${JSON.stringify(job, null, 2)}\n`, contentType: 'application/json' },
      { key: keys.grid, body: JSON.stringify(grid), contentType: 'application/json' },
    ],
  };
}
