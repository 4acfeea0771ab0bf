/**
 * `npm run backtest -- --sweep … --aws` as a user runs it (the real command in a child process),
 * against fauxqs as S3 and a loopback stand-in for Step Functions (there is no local Step
 * Functions server). The stand-in checks the StartExecution and DescribeExecution calls and runs
 * an execution as the sweep state machine does (infra/backtest-sweep.ts): grid.json read from the
 * bucket, every item through the grid-point function's handler, no failure tolerated, then the
 * summary function's handler. So the command's uploads and input must drive the real handlers,
 * and what it prints must be the summary it reads back; the table must be the one the same sweep
 * run locally writes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SweepBucket } from '../../backtest/sweep/aws/sweep-bucket.ts';
import { runKeys } from '../../backtest/sweep/aws/sweep-run-layout.ts';
import { createGridPointHandler } from '../../functions/backtest-sweep/grid-point-handler.ts';
import { createSummaryHandler } from '../../functions/backtest-sweep/summary-handler.ts';
import { lambdaContext } from '../support/lambda-harness.ts';
import {
  StatesError,
  type StepFunctionsStandIn,
  startStepFunctionsStandIn,
} from '../support/step-functions-stand-in.ts';
import { REGION, type SweepS3, silentLogger, startSweepS3 } from '../support/sweep-on-s3.ts';
import { tempFolder } from '../support/temp-files.ts';

const ROOT = join(import.meta.dirname, '../..');
const STATE_MACHINE = `arn:aws:states:${REGION}:123456789012:stateMachine:BacktestSweep`;
const BUCKET = 'trading-sweeps-cli';
/** A bucket the state machine does not read: what a --sweep-bucket from another stack is. */
const OTHER_BUCKET = 'trading-sweeps-other';
/** Points run at once, as the Distributed Map's MaxConcurrency. */
const MAX_CONCURRENCY = 2;
const folder = tempFolder();

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function backtest(args: readonly string[], env: Readonly<Record<string, string>>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/backtest.ts'), ...args], {
      cwd: ROOT,
      env: { ...isolatedEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** This process's environment without anything that would point the child at a real account. */
function isolatedEnv(): Record<string, string> {
  const kept = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !/^(AWS_|APCA_|TRADING_SWEEP_)/.test(entry[0]),
  );
  return {
    ...Object.fromEntries(kept),
    AWS_CONFIG_FILE: folder.path('no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: folder.path('no-aws-credentials'),
  };
}

const SWEEP = [
  '--strategy',
  'ma-cross',
  '--seed',
  '1',
  '--symbols',
  'AAPL,MSFT',
  '--from',
  '2025-01-02',
  '--to',
  '2025-01-10',
  '--sweep',
  'fast=2:4:1,slow=10:20:10',
];

describe('CLI: npm run backtest --sweep --aws (fauxqs S3 and a Step Functions stand-in over loopback)', () => {
  let s3: SweepS3;
  let bucket: SweepBucket;
  let stepFunctions: StepFunctionsStandIn;
  let env: Record<string, string>;

  /** The sweep state machine, its states as infra/backtest-sweep.ts defines them. */
  function sweepStateMachine(reads: SweepBucket) {
    // The functions' logs and EMF lines would only clutter the test's output.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const metrics = new Metrics({ namespace: 'Trading', serviceName: 'backtest-sweep' });
    vi.unstubAllEnvs();
    const gridPoint = createGridPointHandler({
      bucket: reads,
      baseDir: ROOT,
      logger: silentLogger(),
      metrics,
    });
    const summary = createSummaryHandler({ bucket: reads, logger: silentLogger() });
    const context = lambdaContext('backtest-sweep') as never;
    return async (input: unknown): Promise<unknown> => {
      // LocateRun
      const { runId } = input as { runId: string };
      const gridKey = `sweeps/${runId}/grid.json`;
      // GridPoints: the ItemReader reads a JSON array of items.
      const grid = await reads.get(gridKey);
      if (grid === undefined) {
        throw new StatesError('States.ItemReaderFailed', `NoSuchKey: s3://${reads.name}/${gridKey}`);
      }
      const items = JSON.parse(Buffer.from(grid).toString('utf8')) as unknown;
      if (!Array.isArray(items)) throw new StatesError('States.ItemReaderFailed', 'not a JSON array');
      let next = 0;
      let failed = 0;
      const worker = async () => {
        while (next < items.length) {
          const item = items[next++];
          await (gridPoint(item, context) as Promise<unknown>).catch(() => {
            failed += 1;
          });
        }
      };
      await Promise.all(Array.from({ length: MAX_CONCURRENCY }, worker));
      if (failed > 0) {
        throw new StatesError(
          'States.ExceedToleratedFailureThreshold',
          'The specified tolerated failure threshold was exceeded',
        );
      }
      // WriteSummary
      return summary({ runId }, context);
    };
  }

  beforeAll(async () => {
    s3 = await startSweepS3();
    bucket = await s3.bucket(BUCKET);
    await s3.bucket(OTHER_BUCKET);
    stepFunctions = await startStepFunctionsStandIn({
      region: REGION,
      stateMachines: [
        {
          arn: STATE_MACHINE,
          // LocateRun reads $.runId, and the command names the execution after the run.
          checkInput: (input, name) =>
            JSON.stringify(input) === JSON.stringify({ runId: name })
              ? undefined
              : `the input must be {"runId": "${name}"}, got ${JSON.stringify(input)}`,
          run: sweepStateMachine(bucket),
        },
      ],
    });
    env = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      TRADING_SWEEP_STATE_MACHINE_ARN: STATE_MACHINE,
      TRADING_SWEEP_BUCKET: BUCKET,
    };
  });

  afterAll(async () => {
    await stepFunctions?.close();
    await s3?.close();
    folder.remove();
  });

  const text = async (on: SweepBucket, key: string) => {
    const bytes = await on.get(key);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  };

  it("runs the grid on the state machine, prints the summary it reads back, the local sweep's table", async () => {
    const { status, stdout, stderr } = await backtest([...SWEEP, '--aws'], env);

    expect(stderr).not.toMatch(/backtest:/);
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '5,460 1Min bars of AAPL, MSFT from 2025-01-02 to 2025-01-10 (generated market, seed 1)',
    );
    const runId =
      /^sweep (\S+): 6 grid points on 5,460 bars, uploaded to s3:\/\/trading-sweeps-cli\/sweeps\/\1\/$/.exec(
        lines[1]!,
      )?.[1];
    expect(runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    const keys = runKeys(runId!);
    expect(lines.slice(2, 6)).toStrictEqual([
      `execution: arn:aws:states:${REGION}:123456789012:execution:BacktestSweep:${runId}`,
      `results:   s3://${BUCKET}/${keys.results}`,
      `summary:   s3://${BUCKET}/${keys.summaryMarkdown}`,
      `           s3://${BUCKET}/${keys.summaryCsv}`,
    ]);
    expect(stepFunctions.calls[0]).toBe('AWSStepFunctions.StartExecution');
    expect(stepFunctions.calls.slice(1).every((call) => call === 'AWSStepFunctions.DescribeExecution')).toBe(
      true,
    );
    const execution = [...stepFunctions.executions.values()].find((run) => run.name === runId)!;
    expect(execution).toMatchObject({ status: 'SUCCEEDED', input: JSON.stringify({ runId }) });
    expect(JSON.parse(execution.output!)).toMatchObject({ runId, runs: 6, failed: 0, rankBy: 'sharpe' });

    // What it printed after the locations is summary.md as the summary function wrote it.
    const markdown = (await text(bucket, keys.summaryMarkdown))!;
    expect(lines.slice(6).join('\n')).toBe(markdown.trimEnd());
    expect(markdown).toContain('| Rank | fast | slow |');
    const grid = JSON.parse((await text(bucket, keys.grid))!);
    expect(grid).toHaveLength(6);
    expect(grid[5]).toStrictEqual({ runId, pointId: '00005', params: { fast: 4, slow: 20 } });
    expect(JSON.parse((await text(bucket, keys.job))!)).toMatchObject({
      runId,
      strategy: 'ma-cross',
      sweep: 'fast=2:4:1,slow=10:20:10',
      timeframe: '1Min',
      source: 'generated market, seed 1',
      risk: { file: 'config/risk_limits.toml' },
      fees: { file: 'config/fees.toml', overrides: {} },
      data: { bars: 5460 },
    });

    // The same sweep on this machine writes the same table.
    const out = folder.path('local-sweep');
    const local = await backtest([...SWEEP, '--workers', '2', '--out', out], {});
    expect(local.status).toBe(0);
    expect(await text(bucket, keys.summaryCsv)).toBe(readFileSync(join(out, 'sweep.csv'), 'utf8'));
  });

  it('returns once the execution started with --no-wait, the state machine and bucket given as flags', async () => {
    const flags = { ...env };
    delete flags.TRADING_SWEEP_STATE_MACHINE_ARN;
    delete flags.TRADING_SWEEP_BUCKET;

    const { status, stdout } = await backtest(
      [...SWEEP, '--aws', '--no-wait', '--sweep-state-machine', STATE_MACHINE, '--sweep-bucket', BUCKET],
      flags,
    );

    expect(status).toBe(0);
    const runId = /^execution: .*:execution:BacktestSweep:(\S+)$/m.exec(stdout)?.[1];
    expect(runId).toBeDefined();
    expect(stdout).not.toContain('| Rank |');
    // The execution goes on without the command.
    await stepFunctions.settled();
    expect(
      stepFunctions.executions.get(`${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${runId}`)
        ?.status,
    ).toBe('SUCCEEDED');
    expect(await text(bucket, runKeys(runId!).summaryCsv)).toMatch(/^rank,fast,slow,/);
  });

  it("exits 1 with the execution's error when it fails, here a bucket the state machine does not read", async () => {
    const { status, stdout, stderr } = await backtest(
      [...SWEEP, '--aws', '--sweep-bucket', OTHER_BUCKET],
      env,
    );

    expect(status).toBe(1);
    const runId = /^execution: .*:(\S+)$/m.exec(stdout)?.[1];
    expect(stderr).toContain(
      `backtest: the sweep's execution ended FAILED: States.ItemReaderFailed: NoSuchKey: s3://${BUCKET}/sweeps/${runId}/grid.json\n`,
    );
    expect(stderr).toContain('aws stepfunctions list-map-runs --execution-arn');
    expect(stdout).not.toContain('| Rank |');
  });

  it('exits 1, starting nothing, when an upload is refused', async () => {
    const started = stepFunctions.executions.size;

    const { status, stderr } = await backtest([...SWEEP, '--aws', '--sweep-bucket', 'no-such-bucket'], env);

    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^backtest: --aws: could not upload s3:\/\/no-such-bucket\/sweeps\/\S+\/data\/bars\.csv: NoSuchBucket: /m,
    );
    expect(stepFunctions.executions.size).toBe(started);
  });

  it.each([
    [
      '--aws without --sweep',
      [
        '--strategy',
        'ma-cross',
        '--seed',
        '1',
        '--symbols',
        'AAPL',
        '--from',
        '2025-01-02',
        '--to',
        '2025-01-03',
        '--aws',
      ],
      {},
      ['--aws runs a --sweep on AWS: give --sweep GRID too'],
    ],
    [
      'flags of --aws without it',
      [...SWEEP, '--no-wait', '--sweep-bucket', BUCKET, '--sweep-state-machine', STATE_MACHINE],
      {},
      [
        '--sweep-state-machine applies to --aws only',
        '--sweep-bucket applies to --aws only',
        '--no-wait applies to --aws only',
      ],
    ],
    [
      'flags of a local sweep with --aws',
      [...SWEEP, '--aws', '--workers', '2', '--out', 'somewhere'],
      {},
      ['--workers applies to a local sweep only', '--out applies to local runs only'],
    ],
    [
      'a model-driven strategy',
      [...SWEEP.slice(2), '--strategy', 'model-driven', '--aws'],
      {},
      ['--aws cannot run model-driven: its model files are not sent to the sweep functions'],
    ],
    [
      'no state machine, bucket or region',
      [...SWEEP, '--aws'],
      { AWS_REGION: '' },
      [
        '--aws needs the sweep state machine: --sweep-state-machine ARN or TRADING_SWEEP_STATE_MACHINE_ARN',
        '--aws needs the sweep bucket: --sweep-bucket NAME or TRADING_SWEEP_BUCKET',
        "--aws needs AWS_REGION: the sweep state machine's region",
      ],
    ],
    [
      'a bad state machine ARN and bucket name',
      [...SWEEP, '--aws', '--sweep-state-machine', 'BacktestSweep', '--sweep-bucket', 'Sweeps_Bucket'],
      { AWS_REGION: REGION },
      [
        'the sweep state machine "BacktestSweep" is not a state machine ARN',
        'the sweep bucket "Sweeps_Bucket" is not an S3 bucket name',
      ],
    ],
    [
      'a state machine in another region',
      [
        ...SWEEP,
        '--aws',
        '--sweep-state-machine',
        STATE_MACHINE.replace(REGION, 'eu-west-1'),
        '--sweep-bucket',
        BUCKET,
      ],
      { AWS_REGION: REGION },
      [`AWS_REGION is ${REGION}, but the sweep state machine is in eu-west-1`],
    ],
    [
      'plain http to an endpoint off loopback',
      [...SWEEP, '--aws'],
      {
        AWS_REGION: REGION,
        TRADING_SWEEP_STATE_MACHINE_ARN: STATE_MACHINE,
        TRADING_SWEEP_BUCKET: BUCKET,
        AWS_ENDPOINT_URL_S3: 'http://s3.example.com',
        AWS_ENDPOINT_URL_SFN: 'states.example.com',
      },
      [
        'AWS_ENDPOINT_URL_S3 http://s3.example.com must be https (plain http only to a loopback address)',
        'AWS_ENDPOINT_URL_SFN "states.example.com" is not a URL',
      ],
    ],
  ])('exits 2 on %s, naming every problem and printing the usage', async (_case, args, caseEnv, problems) => {
    const { status, stdout, stderr } = await backtest(args, caseEnv as Record<string, string>);

    expect(status).toBe(2);
    for (const problem of problems) expect(stderr).toContain(problem);
    expect(stderr).toContain('usage: npm run backtest -- --strategy NAME');
    expect(stdout).toBe('');
    expect(existsSync(join(ROOT, 'somewhere'))).toBe(false);
  });
});
