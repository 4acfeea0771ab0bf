/**
 * Where a sweep on AWS keeps its files in the sweep bucket, each run under sweeps/<runId>/:
 *
 *   job.json                  what every grid point shares (written by the command)
 *   data/bars.csv             the run's bars in the --data CSV format (written by the command)
 *   grid.json                 the grid points as a JSON array (written by the command; the
 *                             Distributed Map's ItemReader reads it)
 *   results/<pointId>.json    one per grid point (the grid-point function)
 *   summary.csv, summary.md   the ranked table (the summary function)
 *
 * The infrastructure grants each role exactly its keys of this layout (RUN_KEY_PATTERNS).
 */
import { DEFAULT_MAX_SWEEP_POINTS } from '../sweep-grid.ts';

export const SWEEPS_PREFIX = 'sweeps/';

const FILES = {
  job: 'job.json',
  data: 'data/bars.csv',
  grid: 'grid.json',
  results: 'results/',
  summaryCsv: 'summary.csv',
  summaryMarkdown: 'summary.md',
} as const;

/** A run id: the UTC second the command started it and 8 random hex digits (also the execution's name). */
export const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;
export const RUN_ID_RULE = 'a run id such as 20261202T203015Z-1a2b3c4d';

/** Zero-padded to the most points a sweep may have, so a listing of the results is in grid order. */
const POINT_ID_DIGITS = String(DEFAULT_MAX_SWEEP_POINTS - 1).length;
export const POINT_ID = new RegExp(`^\\d{${POINT_ID_DIGITS}}$`);
export const POINT_ID_RULE = `the grid index as ${POINT_ID_DIGITS} digits, such as ${'7'.padStart(POINT_ID_DIGITS, '0')}`;

/** `randomHex`: 8 lowercase hex digits (crypto.randomBytes(4).toString('hex')). */
export function newRunId(nowMs: number, randomHex: string): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const runId = `${stamp}-${randomHex}`;
  if (!RUN_ID.test(runId)) throw new RangeError(`not ${RUN_ID_RULE}: ${runId}`);
  return runId;
}

export function pointIdOf(gridIndex: number): string {
  return String(gridIndex).padStart(POINT_ID_DIGITS, '0');
}

export interface RunKeys {
  readonly prefix: string;
  readonly job: string;
  readonly data: string;
  readonly grid: string;
  readonly results: string;
  readonly summaryCsv: string;
  readonly summaryMarkdown: string;
  result(pointId: string): string;
}

export function runKeys(runId: string): RunKeys {
  const prefix = `${SWEEPS_PREFIX}${runId}/`;
  return {
    prefix,
    job: prefix + FILES.job,
    data: prefix + FILES.data,
    grid: prefix + FILES.grid,
    results: prefix + FILES.results,
    summaryCsv: prefix + FILES.summaryCsv,
    summaryMarkdown: prefix + FILES.summaryMarkdown,
    result: (pointId) => `${prefix}${FILES.results}${pointId}.json`,
  };
}

/** Each file of the layout for any run, as an IAM resource pattern relative to the bucket. */
export const RUN_KEY_PATTERNS = {
  job: `${SWEEPS_PREFIX}*/${FILES.job}`,
  data: `${SWEEPS_PREFIX}*/${FILES.data}`,
  grid: `${SWEEPS_PREFIX}*/${FILES.grid}`,
  results: `${SWEEPS_PREFIX}*/${FILES.results}*`,
  summaryCsv: `${SWEEPS_PREFIX}*/${FILES.summaryCsv}`,
  summaryMarkdown: `${SWEEPS_PREFIX}*/${FILES.summaryMarkdown}`,
} as const;

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
