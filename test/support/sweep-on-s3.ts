/**
 * A sweep on AWS for the sweep functions' tests, with real peers: fauxqs' S3 on loopback holding
 * the sweep bucket, a run prepared and uploaded as the command prepares it (prepareSweepRun on the
 * generated market's bars and the shipped risk and fee files), and the same sweep run locally by
 * the command's own path (runSweep on the backtest worker threads), to compare figures with.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { buildApp } from 'fauxqs';
import type { BacktestJob } from '../../backtest/backtest-job.ts';
import { loadBars } from '../../backtest/data/load-bars.ts';
import {
  type PreparedSweepRun,
  prepareSweepRun,
  type SweepRunRequest,
} from '../../backtest/sweep/aws/prepare-sweep-run.ts';
import { S3SweepBucket, type SweepBucket } from '../../backtest/sweep/aws/sweep-bucket.ts';
import type { GridItem } from '../../backtest/sweep/aws/sweep-run-files.ts';
import { runKeys } from '../../backtest/sweep/aws/sweep-run-layout.ts';
import { runSweep } from '../../backtest/sweep/run-sweep.ts';
import { parseSweepSpec } from '../../backtest/sweep/sweep-grid.ts';
import type { SweepRun } from '../../backtest/sweep/sweep-ranking.ts';
import { parseFeeRates, parseRiskLimits } from '../../shared/config/load-config.ts';
import { CONFIG_DIR } from './shipped-config.ts';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const REGION = 'us-east-1';

export interface SweepS3 {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly client: S3Client;
  /** A bucket of the server (created on first use). */
  bucket(name: string): Promise<S3SweepBucket>;
  close(): Promise<void>;
}

export function s3ClientFor(endpoint: string): S3Client {
  return new S3Client({
    region: REGION,
    endpoint,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
}

export async function startSweepS3(): Promise<SweepS3> {
  const server = buildApp({ logger: false, defaultRegion: REGION });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const client = s3ClientFor(endpoint);
  const created = new Set<string>();
  return {
    endpoint,
    client,
    async bucket(name) {
      if (!created.has(name)) {
        await client.send(new CreateBucketCommand({ Bucket: name }));
        created.add(name);
      }
      return new S3SweepBucket(client, name);
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

/** A logger that prints nothing: the tests read what the functions wrote, not their logs. */
export const silentLogger = () => new Logger({ serviceName: 'backtest-sweep', logLevel: 'SILENT' });

const RISK_FILE = 'config/risk_limits.toml';
const FEES_FILE = 'config/fees.toml';

/**
 * Two weeks of the generated market's AAPL and MSFT at 5 minutes, ma-cross over fast 3, 5 and 30
 * against slow 10 and 20: the points with fast 30 fail as the strategy refuses them.
 */
export async function seedSweepRequest(
  runId: string,
  sweep = 'fast=3|5|30,slow=10|20',
): Promise<SweepRunRequest> {
  const bars = await loadBars({
    source: { kind: 'seed', seed: 1 },
    symbols: ['AAPL', 'MSFT'],
    from: '2025-01-06',
    to: '2025-01-17',
    timeframe: '5Min',
    // The local sweep's worker threads read these very columns.
    shared: true,
  });
  return {
    runId,
    strategy: 'ma-cross',
    params: { notional: 8_000 },
    sweep,
    rankBy: 'sharpe',
    symbols: [...bars.symbols],
    from: '2025-01-06',
    to: '2025-01-17',
    timeframe: '5Min',
    source: 'generated market, seed 1',
    startingCash: 100_000,
    slippage: { fixedBps: 1, sizeImpactBps: 0 },
    risk: { file: RISK_FILE, toml: readFileSync(join(CONFIG_DIR, 'risk_limits.toml'), 'utf8') },
    fees: {
      file: FEES_FILE,
      toml: readFileSync(join(CONFIG_DIR, 'fees.toml'), 'utf8'),
      overrides: { tafMaxPerTrade: 7 },
    },
    split: null,
    breakerReset: 'session',
    bars,
  };
}

/** The files the command would upload, uploaded; the grid items as grid.json holds them. */
export async function uploadSweepRun(
  bucket: SweepBucket,
  request: SweepRunRequest,
): Promise<{ prepared: PreparedSweepRun; items: GridItem[] }> {
  const prepared = prepareSweepRun(request);
  for (const upload of prepared.uploads) await bucket.put(upload.key, upload.body, upload.contentType);
  const grid = await bucket.get(runKeys(request.runId).grid);
  return { prepared, items: JSON.parse(Buffer.from(grid!).toString('utf8')) as GridItem[] };
}

/** The request's sweep run as `npm run backtest -- --sweep` runs it, on worker threads. */
export async function localSweepRuns(request: SweepRunRequest): Promise<readonly SweepRun[]> {
  const job: BacktestJob = {
    bars: request.bars,
    strategy: request.strategy,
    params: request.params,
    limits: parseRiskLimits(request.risk.toml, RISK_FILE),
    startingCash: request.startingCash,
    slippage: request.slippage,
    fees: { ...parseFeeRates(request.fees.toml, FEES_FILE), ...request.fees.overrides },
    from: request.from,
    to: request.to,
    source: request.source,
    split: request.split,
    breakerReset: request.breakerReset,
    baseDir: join(CONFIG_DIR, '..'),
  };
  const quiet = Object.assign(new PassThrough(), { isTTY: false });
  quiet.resume();
  return runSweep({
    axes: parseSweepSpec(request.sweep),
    module: new URL('../../backtest/sweep/backtest-worker.ts', import.meta.url),
    shared: job,
    rankBy: request.rankBy,
    workers: 2,
    progress: { output: quiet },
  });
}
