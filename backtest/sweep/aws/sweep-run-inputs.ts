/**
 * A sweep run's shared inputs read back from the bucket: job.json (checked, its grid expanded
 * again) and, for the grid points, the bars, loaded by the loader every backtest uses and checked
 * against the hash and count the command recorded. The job a point runs is then built as the
 * command builds it: the risk and fee files' text through the config's own parsers, the fee flags
 * over the file's rates.
 */
import { createHash } from 'node:crypto';
import { parseFeeRates, parseRiskLimits } from '../../../shared/config/load-config.ts';
import type { BacktestJob } from '../../backtest-job.ts';
import { loadBars } from '../../data/load-bars.ts';
import {
  expandSweep,
  parseSweepSpec,
  type SweepAxis,
  type SweepPoint,
  SweepSpecError,
} from '../sweep-grid.ts';
import type { SweepBucket } from './sweep-bucket.ts';
import { SweepFileError } from './sweep-errors.ts';
import { readJsonObject, type SweepJobFile, sweepJobFileSchema } from './sweep-run-files.ts';
import { runKeys, s3Url } from './sweep-run-layout.ts';

export interface SweepJobInputs {
  readonly file: SweepJobFile;
  readonly axes: readonly SweepAxis[];
  /** The grid in expandSweep's order: point i has pointIdOf(i). */
  readonly points: readonly SweepPoint[];
}

export interface SweepRunInputs extends SweepJobInputs {
  /** The job every point runs, its parameters overridden by the point's. */
  readonly job: BacktestJob;
}

async function required(bucket: SweepBucket, key: string): Promise<Uint8Array> {
  const bytes = await bucket.get(key);
  if (bytes === undefined) {
    throw new SweepFileError(
      s3Url(bucket.name, key),
      'is missing: the command writes it before it starts the execution',
    );
  }
  return bytes;
}

export async function readSweepJob(bucket: SweepBucket, runId: string): Promise<SweepJobInputs> {
  const key = runKeys(runId).job;
  const url = s3Url(bucket.name, key);
  const file = readJsonObject(url, await required(bucket, key), sweepJobFileSchema);
  if (file.runId !== runId) throw new SweepFileError(url, `belongs to run ${file.runId}, not to ${runId}`);
  try {
    const axes = parseSweepSpec(file.sweep);
    return { file, axes, points: expandSweep(axes) };
  } catch (error) {
    if (error instanceof SweepSpecError) throw new SweepFileError(url, error.message);
    throw error;
  }
}

export async function loadSweepRun(
  bucket: SweepBucket,
  runId: string,
  /** What a model manifest's path is relative to. */
  baseDir: string,
): Promise<SweepRunInputs> {
  const inputs = await readSweepJob(bucket, runId);
  const { file } = inputs;
  const keys = runKeys(runId);
  const jobUrl = s3Url(bucket.name, keys.job);
  const dataUrl = s3Url(bucket.name, keys.data);
  const bytes = await required(bucket, keys.data);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== file.data.sha256) {
    throw new SweepFileError(
      dataUrl,
      `has SHA-256 ${sha256}, not the ${file.data.sha256} that job.json records: it changed after the command wrote it`,
    );
  }
  const bars = await loadBars({
    source: {
      kind: 'csv',
      name: dataUrl,
      bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    },
    symbols: file.symbols,
    from: file.from,
    to: file.to,
    timeframe: file.timeframe,
  });
  if (bars.length !== file.data.bars) {
    throw new SweepFileError(
      dataUrl,
      `holds ${bars.length} bars of the run's symbols and range, not the ${file.data.bars} the command loaded`,
    );
  }
  const job: BacktestJob = {
    bars,
    strategy: file.strategy,
    params: file.params,
    limits: parseRiskLimits(file.risk.toml, `${jobUrl} risk (${file.risk.file})`),
    startingCash: file.startingCash,
    slippage: file.slippage,
    fees: { ...parseFeeRates(file.fees.toml, `${jobUrl} fees (${file.fees.file})`), ...file.fees.overrides },
    from: file.from,
    to: file.to,
    source: file.source,
    split: file.split,
    breakerReset: file.breakerReset,
    baseDir,
  };
  return { ...inputs, job };
}
