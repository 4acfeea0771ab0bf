/**
 * `--sweep … --aws`: the run's files uploaded to the sweep bucket (prepare-sweep-run.ts), the
 * sweep state machine's execution started, where the results and the summary will be printed,
 * then, unless --no-wait, the wait for the execution to end and the summary table read back from
 * the bucket. What a person reads goes to stdout; the wait and problems go to stderr.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  type PreparedSweepRun,
  prepareSweepRun,
  type SweepRunRequest,
} from '../sweep/aws/prepare-sweep-run.ts';
import { S3SweepBucket } from '../sweep/aws/sweep-bucket.ts';
import { SfnSweepExecutions, waitForExecution } from '../sweep/aws/sweep-executions.ts';
import { runKeys, s3Url } from '../sweep/aws/sweep-run-layout.ts';
import type { AwsSweepTarget } from './aws-sweep-target.ts';

/** A call to AWS that failed: says what the command was doing, and AWS's error. */
export class AwsSweepError extends Error {
  override readonly name = 'AwsSweepError';

  constructor(doing: string, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`--aws: could not ${doing}: ${reason}`, { cause });
  }
}

/** Rows of the summary table printed; summary.md has them all. */
const ROWS_PRINTED = 20;

export interface AwsSweepIo {
  readonly say: (line: string) => void;
  readonly warn: (line: string) => void;
}

async function step<T>(doing: string, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    throw new AwsSweepError(doing, error);
  }
}

/** Runs the sweep on AWS; resolves with the exit code (0 done or started, 1 the execution failed). */
export async function runAwsSweep(
  request: SweepRunRequest,
  target: AwsSweepTarget,
  wait: boolean,
  io: AwsSweepIo,
): Promise<number> {
  const prepared = prepareSweepRun(request);
  const s3 = new S3Client({
    region: target.region,
    // A loopback stand-in answers on its address alone, not on a bucket's host name.
    ...(target.s3Endpoint === undefined ? {} : { endpoint: target.s3Endpoint, forcePathStyle: true }),
  });
  const sfn = new SFNClient({
    region: target.region,
    ...(target.sfnEndpoint === undefined ? {} : { endpoint: target.sfnEndpoint }),
  });
  try {
    return await submitAndWait(
      prepared,
      new S3SweepBucket(s3, target.bucket),
      new SfnSweepExecutions(sfn, target.stateMachineArn),
      wait,
      io,
    );
  } finally {
    s3.destroy();
    sfn.destroy();
  }
}

async function submitAndWait(
  prepared: PreparedSweepRun,
  bucket: S3SweepBucket,
  executions: SfnSweepExecutions,
  wait: boolean,
  io: AwsSweepIo,
): Promise<number> {
  const { job } = prepared;
  const keys = runKeys(job.runId);
  const url = (key: string) => s3Url(bucket.name, key);
  for (const upload of prepared.uploads) {
    await step(`upload ${url(upload.key)}`, () => bucket.put(upload.key, upload.body, upload.contentType));
  }
  const executionArn = await step('start the sweep state machine', () => executions.start(job.runId));
  io.say(
    `sweep ${job.runId}: ${prepared.points} grid points on ${job.data.bars.toLocaleString('en-US')} bars, uploaded to ${url(keys.prefix)}`,
  );
  io.say(`execution: ${executionArn}`);
  io.say(`results:   ${url(keys.results)}`);
  io.say(`summary:   ${url(keys.summaryMarkdown)}`);
  io.say(`           ${url(keys.summaryCsv)}`);
  if (!wait) return 0;

  io.warn('waiting for the execution to end (Ctrl-C stops the waiting, not the sweep)');
  const ended = await step('describe the execution', () => waitForExecution(executions, executionArn, sleep));
  if (ended.status !== 'SUCCEEDED') {
    const why = [ended.error, ended.cause].filter((part) => part !== undefined).join(': ');
    io.warn(
      `backtest: the sweep's execution ended ${ended.status}${why === '' ? '' : `: ${why}`}\n` +
        `  its failed grid points: aws stepfunctions list-map-runs --execution-arn ${executionArn}, then\n` +
        '  aws stepfunctions list-executions --map-run-arn MAP_RUN_ARN --status-filter FAILED',
    );
    return 1;
  }
  const markdown = await step(`read ${url(keys.summaryMarkdown)}`, () => bucket.get(keys.summaryMarkdown));
  if (markdown === undefined) {
    throw new AwsSweepError(
      `read ${url(keys.summaryMarkdown)}`,
      new Error('the execution succeeded but wrote no summary'),
    );
  }
  for (const line of summaryLines(Buffer.from(markdown).toString('utf8'), url(keys.summaryMarkdown)))
    io.say(line);
  return 0;
}

/** summary.md with its table cut to the first ROWS_PRINTED runs, saying where the rest is. */
function summaryLines(markdown: string, location: string): string[] {
  const lines = markdown.trimEnd().split('\n');
  // The table's header and separator come first; its rows follow.
  const tableStart = lines.findIndex((line) => line.startsWith('|'));
  if (tableStart < 0) return lines;
  const rows = lines.length - tableStart - 2;
  if (rows <= ROWS_PRINTED) return lines;
  return [
    ...lines.slice(0, tableStart + 2 + ROWS_PRINTED),
    `… ${rows - ROWS_PRINTED} more runs in ${location}`,
  ];
}
