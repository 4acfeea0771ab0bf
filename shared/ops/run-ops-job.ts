/**
 * Runs one scheduled job the same way everywhere (Lambda, the local scheduler, `npm run job`):
 * whatever the job throws becomes a `failed` report with the reason, the job's failure metric is
 * set (0 or 1) on every run so its alarm sees data, and the report is stored. Never throws.
 */

import type { Clock } from '../time/clock.ts';
import { newYorkDate } from '../time/new-york-time.ts';
import { OPS_METRICS, type OpsMetrics } from './ops-metrics.ts';
import { needsAttention, type OpsJob, type OpsReport, type OpsTable } from './ops-report.ts';

/** What a job's body returns; runOpsJob adds the run's identity and times. */
export interface OpsJobResult {
  readonly newYorkDate: string;
  readonly outcome: OpsReport['outcome'];
  readonly summary: string;
  readonly table: OpsTable;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface OpsJobLog {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface OpsJobRunner {
  readonly runId: string;
  readonly clock: Clock;
  /** Where the report is kept; absent when the caller keeps it itself. */
  readonly reports?: { putOpsReport(report: OpsReport): Promise<void> };
  readonly metrics: OpsMetrics;
  readonly log: OpsJobLog;
}

const EMPTY_TABLE: OpsTable = { columns: [], rows: [] };

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runOpsJob(
  job: OpsJob,
  runner: OpsJobRunner,
  body: () => Promise<OpsJobResult>,
): Promise<OpsReport> {
  const startedAtMs = runner.clock.nowMs();
  let result: OpsJobResult;
  try {
    result = await body();
  } catch (error) {
    result = {
      newYorkDate: newYorkDate(startedAtMs),
      outcome: 'failed',
      summary: `${job} could not finish: ${describeError(error)}`,
      table: EMPTY_TABLE,
      detail: { error: describeError(error) },
    };
  }
  let report: OpsReport = {
    job,
    runId: runner.runId,
    startedAtMs,
    finishedAtMs: runner.clock.nowMs(),
    ...result,
  };
  if (runner.reports !== undefined) {
    try {
      await runner.reports.putOpsReport(report);
    } catch (error) {
      report = {
        ...report,
        outcome: 'failed',
        summary: `${report.summary} (the report could not be stored: ${describeError(error)})`,
      };
    }
  }
  runner.metrics.record(OPS_METRICS.jobFailed(job), needsAttention(report.outcome) ? 1 : 0);
  const fields = { job, runId: report.runId, outcome: report.outcome, newYorkDate: report.newYorkDate };
  if (needsAttention(report.outcome)) runner.log.error(report.summary, fields);
  else runner.log.info(report.summary, fields);
  return report;
}
