import { z } from 'zod';
import { OPS_JOBS, OPS_OUTCOMES, type OpsJob, type OpsReport } from '../../ops/ops-report.ts';
import { epochMs, header, type ItemKind, timeSortKey } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/** Kept as long as risk events: a year of daily checks, reports and reconciliations, and a margin. */
export const OPS_REPORT_RETENTION_DAYS = 400;

/** One partition per job and New York date: "what did the 09:00 check say today" is one Query. */
export function opsReportPartition(account: string, job: OpsJob, newYorkDate: string): string {
  return `${account}#ops#${job}#${newYorkDate}`;
}

const text = z.string();

export const OPS_REPORT_ITEM: ItemKind<OpsReport> = {
  type: 'ops_report',
  version: 1,
  schema: z.object({
    job: z.enum(OPS_JOBS),
    runId: z.string().min(1),
    newYorkDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    outcome: z.enum(OPS_OUTCOMES),
    summary: text,
    startedAtMs: epochMs,
    finishedAtMs: epochMs,
    table: z.object({ columns: z.array(text), rows: z.array(z.array(text)) }),
    detail: z.record(z.string(), z.unknown()),
  }),
  primaryKey(account, report) {
    return {
      [STATE_KEYS.partition]: opsReportPartition(account, report.job, report.newYorkDate),
      [STATE_KEYS.sort]: timeSortKey(report.startedAtMs, report.runId),
    };
  },
  encode(account, report) {
    return {
      ...OPS_REPORT_ITEM.primaryKey(account, report),
      [STATE_KEYS.timeToLive]: Math.floor(report.startedAtMs / 1000) + OPS_REPORT_RETENTION_DAYS * 86_400,
      ...header(OPS_REPORT_ITEM),
      job: report.job,
      runId: report.runId,
      newYorkDate: report.newYorkDate,
      outcome: report.outcome,
      summary: report.summary,
      startedAtMs: report.startedAtMs,
      finishedAtMs: report.finishedAtMs,
      table: report.table,
      detail: report.detail,
    };
  },
};
