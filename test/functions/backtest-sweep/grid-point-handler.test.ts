/**
 * The sweep's grid-point function with a real peer: fauxqs as S3 holding a run the way the command
 * uploads it. Each item of grid.json, handed over as the Distributed Map hands it, must write the
 * result the local sweep computes for that point, failed runs included; an item, job.json or bars
 * that are not right must fail the invocation, naming what is wrong, and write nothing.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepBucket } from '../../../backtest/sweep/aws/sweep-bucket.ts';
import type { GridItem } from '../../../backtest/sweep/aws/sweep-run-files.ts';
import { runKeys } from '../../../backtest/sweep/aws/sweep-run-layout.ts';
import type { SweepRun } from '../../../backtest/sweep/sweep-ranking.ts';
import { createGridPointHandler } from '../../../functions/backtest-sweep/grid-point-handler.ts';
import { readSweepEnvironment } from '../../../functions/backtest-sweep/sweep-environment.ts';
import { captureOutput, emfMetrics, lambdaContext } from '../../support/lambda-harness.ts';
import {
  localSweepRuns,
  type SweepS3,
  seedSweepRequest,
  silentLogger,
  startSweepS3,
  uploadSweepRun,
} from '../../support/sweep-on-s3.ts';

const RUN = '20261202T203015Z-0123abcd';
const BUCKET = 'trading-sweeps-grid-point';

describe('Function: createGridPointHandler (fauxqs S3 over loopback)', () => {
  let s3: SweepS3;
  let bucket: SweepBucket;
  let items: GridItem[];
  let local: readonly SweepRun[];
  let invocations = 0;

  beforeAll(async () => {
    s3 = await startSweepS3();
    bucket = await s3.bucket(BUCKET);
    const request = await seedSweepRequest(RUN);
    ({ items } = await uploadSweepRun(bucket, request));
    local = await localSweepRuns(request);
  });

  afterAll(async () => {
    await s3?.close();
  });

  function handler(on: SweepBucket = bucket) {
    return createGridPointHandler({
      bucket: on,
      baseDir: process.cwd(),
      logger: silentLogger(),
      metrics: new Metrics({ namespace: 'Trading', serviceName: 'backtest-sweep' }),
    });
  }

  async function invoke(run: ReturnType<typeof handler>, event: unknown) {
    invocations += 1;
    return captureOutput(
      () =>
        run(
          event,
          lambdaContext('backtest-sweep-grid-point', `req-${invocations}`) as never,
        ) as Promise<unknown>,
    );
  }

  async function results(runId: string): Promise<string[]> {
    return bucket.list(runKeys(runId).results);
  }

  it('writes each point the result the local sweep computes, failed runs with their error', async () => {
    const run = handler();
    expect(items.map((item) => item.params)).toStrictEqual(local.map((point) => point.params));

    for (const [index, item] of items.entries()) {
      const { result, lines } = await invoke(run, item);
      const expected = local[index]!;
      const key = runKeys(RUN).result(item.pointId);
      const written = JSON.parse(Buffer.from((await bucket.get(key))!).toString('utf8'));

      if ('metrics' in expected) {
        expect(written).toMatchObject({
          formatVersion: 1,
          runId: RUN,
          pointId: item.pointId,
          params: item.params,
          outcome: 'ok',
        });
        // Exactly the local figures: the same code on the same bars, through JSON and back.
        expect(written.metrics).toStrictEqual(expected.metrics);
        expect(written.performance.roundTrips).toBe(expected.metrics.trades);
        expect(result).toStrictEqual({
          runId: RUN,
          pointId: item.pointId,
          outcome: 'ok',
          result: `s3://${BUCKET}/${key}`,
          rankBy: 'sharpe',
          value: expected.metrics.sharpe,
        });
        expect(emfMetrics(lines).SweepPointsRun).toBe(1);
      } else {
        expect(written).toStrictEqual({
          formatVersion: 1,
          runId: RUN,
          pointId: item.pointId,
          params: item.params,
          outcome: 'failed',
          error: expected.error,
        });
        expect(expected.error).toMatch(/^StrategyParamsError: ma-cross: the fast period/);
        expect(result).toMatchObject({ outcome: 'failed', value: null });
        expect(emfMetrics(lines).SweepPointsFailed).toBe(1);
      }
    }
    expect(local.filter((point) => 'metrics' in point && point.metrics.trades! > 0)).not.toHaveLength(0);
    expect(await results(RUN)).toHaveLength(items.length);
  });

  const item = (changes: Record<string, unknown>) => ({ ...items[0], ...changes });
  it.each([
    ['an empty event', () => ({}), ['runId: ', 'pointId: ', 'params: ']],
    ['a run id that is not one', () => item({ runId: '../other' }), ['runId: must be a run id such as']],
    [
      'a field the state machine never sends',
      () => item({ bucket: 'elsewhere' }),
      ['Unrecognized key: "bucket"'],
    ],
    [
      'a point beyond the grid',
      () => item({ pointId: '00099' }),
      ["grid point 00099 is beyond the run's grid of 6 points"],
    ],
    [
      "parameters that are not the grid point's",
      () => item({ params: { fast: 4, slow: 10 } }),
      ['grid point 00000 has {"fast":4,"slow":10}, but the run\'s grid has {"fast":3,"slow":10} there'],
    ],
  ])('fails the item on %s, naming what is wrong, and writes nothing', async (_case, event, problems) => {
    const before = await results(RUN);

    const failure = await invoke(handler(), event()).catch((error: Error) => error);

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('SweepEventError');
    for (const problem of problems) expect((failure as Error).message).toContain(problem);
    expect(await results(RUN)).toStrictEqual(before);
  });

  it('fails an item of a run whose job.json is missing or not a job, naming the object', async () => {
    const missing = '20261202T203015Z-00000001';
    const failure = await invoke(handler(), { ...items[0], runId: missing }).catch((error: Error) => error);
    expect(failure).toMatchObject({
      name: 'SweepFileError',
      message: `s3://${BUCKET}/sweeps/${missing}/job.json: is missing: the command writes it before it starts the execution`,
    });

    const broken = '20261202T203015Z-00000002';
    await bucket.put(
      runKeys(broken).job,
      JSON.stringify({ formatVersion: 2, runId: broken }),
      'application/json',
    );
    const refused = await invoke(handler(), { ...items[0], runId: broken }).catch((error: Error) => error);
    expect(refused).toMatchObject({ name: 'SweepFileError' });
    expect((refused as Error).message).toContain(
      `s3://${BUCKET}/sweeps/${broken}/job.json: is not a valid sweep file`,
    );
    expect((refused as Error).message).toContain('formatVersion: ');
    expect((refused as Error).message).toContain('strategy: ');
    expect(await results(missing)).toStrictEqual([]);
    expect(await results(broken)).toStrictEqual([]);
  });

  it('refuses bars that changed after the command wrote them', async () => {
    const runId = '20261202T203015Z-00000003';
    const tampered = await s3.bucket('trading-sweeps-tampered');
    const request = await seedSweepRequest(runId, 'fast=3,slow=10');
    const { prepared, items: grid } = await uploadSweepRun(tampered, request);
    const csv = prepared.uploads.find((upload) => upload.key === runKeys(runId).data)!.body;
    // One close a cent lower: still valid bars, no longer the command's.
    const changed = csv.replace(/^(.*?,AAPL,[^,]*,[^,]*,[^,]*,)([0-9.]+)(,)/m, (_, head, close, tail) => {
      return `${head}${(Number(close) - 0.01).toFixed(2)}${tail}`;
    });
    expect(changed).not.toBe(csv);
    await tampered.put(runKeys(runId).data, changed, 'text/csv');

    const failure = await invoke(handler(tampered), grid[0]).catch((error: Error) => error);

    expect(failure).toMatchObject({ name: 'SweepFileError' });
    expect((failure as Error).message).toMatch(
      new RegExp(
        `^s3://trading-sweeps-tampered/sweeps/${runId}/data/bars.csv: has SHA-256 [0-9a-f]{64}, not the ${prepared.job.data.sha256} that job.json records`,
      ),
    );
    expect(await tampered.list(runKeys(runId).results)).toStrictEqual([]);
  });

  it('names every missing setting of its environment', () => {
    expect(() => readSweepEnvironment('backtest sweep grid point', {})).toThrow(
      /backtest sweep grid point environment is invalid: AWS_REGION: .*SWEEP_BUCKET: /,
    );
  });
});
