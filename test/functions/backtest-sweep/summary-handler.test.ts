/**
 * The sweep's summary function with a real peer: fauxqs as S3, holding a run uploaded as the
 * command uploads it and its results as the grid-point function writes them. The table it writes
 * must be the local sweep's table; a run whose results are missing, extra or bad must fail it,
 * naming them, with no summary written, so no partial table ever looks complete.
 */
import { readFileSync } from 'node:fs';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSummary } from '../../../backtest/sweep/aws/summarize-sweep.ts';
import type { SweepBucket } from '../../../backtest/sweep/aws/sweep-bucket.ts';
import { runKeys } from '../../../backtest/sweep/aws/sweep-run-layout.ts';
import { parseSweepSpec } from '../../../backtest/sweep/sweep-grid.ts';
import type { SweepRun } from '../../../backtest/sweep/sweep-ranking.ts';
import { writeSweepTable } from '../../../backtest/sweep/sweep-table.ts';
import { createGridPointHandler } from '../../../functions/backtest-sweep/grid-point-handler.ts';
import { createSummaryHandler } from '../../../functions/backtest-sweep/summary-handler.ts';
import { captureOutput, lambdaContext } from '../../support/lambda-harness.ts';
import {
  localSweepRuns,
  type SweepS3,
  seedSweepRequest,
  silentLogger,
  startSweepS3,
  uploadSweepRun,
} from '../../support/sweep-on-s3.ts';
import { tempFolder } from '../../support/temp-files.ts';

const BUCKET = 'trading-sweeps-summary';
const RUN = '20261202T210000Z-0badcafe';
const folder = tempFolder();

describe('Function: createSummaryHandler (fauxqs S3 over loopback)', () => {
  let s3: SweepS3;
  let bucket: SweepBucket;
  let local: readonly SweepRun[];
  let invocations = 0;

  const context = () => {
    invocations += 1;
    return lambdaContext('backtest-sweep', `req-${invocations}`) as never;
  };
  const summarize = (event: unknown) =>
    captureOutput(
      () =>
        createSummaryHandler({ bucket, logger: silentLogger() })(event, context()) as Promise<SweepSummary>,
    ).then(({ result }) => result);

  /** A run uploaded and every grid point run by the grid-point function, as the Map runs them. */
  async function runGrid(runId: string, sweep?: string) {
    const request = await seedSweepRequest(runId, sweep);
    const { items } = await uploadSweepRun(bucket, request);
    const gridPoint = createGridPointHandler({
      bucket,
      baseDir: process.cwd(),
      logger: silentLogger(),
      metrics: new Metrics({ namespace: 'Trading', serviceName: 'backtest-sweep' }),
    });
    for (const item of items) await captureOutput(() => gridPoint(item, context()) as Promise<unknown>);
    return request;
  }

  const text = async (key: string) => {
    const bytes = await bucket.get(key);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  };

  beforeAll(async () => {
    s3 = await startSweepS3();
    bucket = await s3.bucket(BUCKET);
    local = await localSweepRuns(await runGrid(RUN));
  });

  afterAll(async () => {
    await s3?.close();
    folder.remove();
  });

  it("writes the local sweep's table: summary.csv as its sweep.csv, summary.md with its columns", async () => {
    const summary = await summarize({ runId: RUN });

    const keys = runKeys(RUN);
    const table = await writeSweepTable(folder.path('local'), {
      title: 'ma-cross on AAPL, MSFT, 2025-01-06 to 2025-01-17',
      axes: parseSweepSpec('fast=3|5|30,slow=10|20'),
      runs: local,
      rankBy: 'sharpe',
    });
    expect(await text(keys.summaryCsv)).toBe(readFileSync(table.csvPath, 'utf8'));
    const best = table.ranked[0]!;
    expect(summary).toStrictEqual({
      runId: RUN,
      runs: 6,
      failed: 2,
      rankBy: 'sharpe',
      best: { params: best.params, value: best.metrics!.sharpe },
      csv: `s3://${BUCKET}/${keys.summaryCsv}`,
      markdown: `s3://${BUCKET}/${keys.summaryMarkdown}`,
    });

    const markdown = (await text(keys.summaryMarkdown))!;
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# Sweep: ma-cross on AAPL, MSFT, 2025-01-06 to 2025-01-17');
    expect(markdown).toContain('6 runs ranked by Sharpe (higher is better); 2 failed, listed last.');
    expect(markdown).toContain(
      `Run ${RUN} on 5Min bars (generated market, seed 1), 6 grid points of \`--sweep fast=3|5|30,slow=10|20\``,
    );
    expect(lines).toContain(
      '| Rank | fast | slow | Total return | CAGR | **Sharpe** | Sortino | Calmar | Max drawdown | Profit factor | Win rate | Trades | Error |',
    );
    const rows = lines.filter((line) => /^\| \d/.test(line));
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatch(
      new RegExp(
        `^\\| 1 \\| ${best.params.fast} \\| ${best.params.slow} \\| .* \\| ${best.metrics!.trades} \\|  \\|$`,
      ),
    );
    expect(rows[5]).toBe(
      '| 6 | 30 | 20 | – | – | – | – | – | – | – | – | – | StrategyParamsError: ma-cross: the fast period must be at least 1 and shorter than the slow period |',
    );
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: keys.summaryMarkdown }));
    expect(head.ContentType).toBe('text/markdown; charset=utf-8');
  });

  it("refuses, writing nothing, a run with a missing result or a file that is no point's", async () => {
    const runId = '20261202T210000Z-00000001';
    await runGrid(runId, 'fast=3|5,slow=10');
    const keys = runKeys(runId);
    await bucket.put(keys.result('00002'), '{}', 'application/json');
    // Uploaded, but none of its points run.
    const lacking = '20261202T210000Z-00000002';
    const request = await seedSweepRequest(lacking, 'fast=3|5,slow=10');
    await uploadSweepRun(bucket, request);

    const extra = await summarize({ runId }).catch((error: Error) => error);
    const missing = await summarize({ runId: lacking }).catch((error: Error) => error);

    expect(extra).toMatchObject({
      name: 'SweepIncompleteError',
      message: `run ${runId} has 2 of 2 results under s3://${BUCKET}/${keys.results}; no summary is written: 1 file of no grid point: ${keys.result('00002')}`,
    });
    expect(missing).toMatchObject({
      name: 'SweepIncompleteError',
      message: `run ${lacking} has 0 of 2 results under s3://${BUCKET}/${runKeys(lacking).results}; no summary is written: no result for 2 grid points: ${runKeys(lacking).result('00000')}, ${runKeys(lacking).result('00001')}`,
    });
    for (const id of [runId, lacking]) {
      expect(await text(runKeys(id).summaryCsv)).toBeUndefined();
      expect(await text(runKeys(id).summaryMarkdown)).toBeUndefined();
    }
  });

  it("refuses, writing nothing, a result that is not valid or not its point's", async () => {
    const runId = '20261202T210000Z-00000003';
    await runGrid(runId, 'fast=3|5,slow=10');
    const keys = runKeys(runId);
    const first = JSON.parse((await text(keys.result('00000')))!);
    await bucket.put(
      keys.result('00000'),
      JSON.stringify({ ...first, metrics: { ...first.metrics, sharpe: 'high' } }),
      'application/json',
    );
    const invalid = await summarize({ runId }).catch((error: Error) => error);
    await bucket.put(
      keys.result('00000'),
      JSON.stringify({ ...first, params: { fast: 5, slow: 10 } }),
      'application/json',
    );
    const another = await summarize({ runId }).catch((error: Error) => error);

    expect(invalid).toMatchObject({ name: 'SweepFileError' });
    expect((invalid as Error).message).toContain(
      `s3://${BUCKET}/${keys.result('00000')}: is not a valid sweep file`,
    );
    expect((invalid as Error).message).toContain('metrics.sharpe: ');
    expect(another).toMatchObject({ name: 'SweepFileError' });
    expect((another as Error).message).toContain(
      'params are {"fast":5,"slow":10}, not the grid\'s {"fast":3,"slow":10}',
    );
    expect(await text(keys.summaryMarkdown)).toBeUndefined();
  });

  it.each([
    ['no run id', {}, 'runId: '],
    ['more than the run id', { runId: RUN, bucket: BUCKET }, 'Unrecognized key: "bucket"'],
  ])('fails on an event with %s, naming it', async (_case, event, problem) => {
    const failure = await summarize(event).catch((error: Error) => error);
    expect(failure).toMatchObject({ name: 'SweepEventError' });
    expect((failure as Error).message).toContain(problem);
  });
});
