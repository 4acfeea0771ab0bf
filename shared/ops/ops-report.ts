/**
 * What every scheduled operations job (pre-market check, post-market report, reconciliation,
 * backup) answers: one outcome on-call can alarm on, a one-line summary, a table a person reads
 * at the terminal, and the job's own detail as JSON. Stored in DynamoDB (an `ops_report` item)
 * and printed by `npm run job`.
 */

export const OPS_JOBS = ['premarket', 'report', 'reconcile', 'backup'] as const;
export type OpsJob = (typeof OPS_JOBS)[number];

/**
 * ok: ran and found nothing wrong; problems: ran and found something a person must look at (a
 * failed check, a difference with the broker); failed: could not finish (broker or store
 * unreachable, bad answer); skipped: nothing to do now (no session today, market closed, already done).
 */
export const OPS_OUTCOMES = ['ok', 'problems', 'failed', 'skipped'] as const;
export type OpsOutcome = (typeof OPS_OUTCOMES)[number];

export interface OpsTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface OpsReport {
  readonly job: OpsJob;
  /** Unique per run: the Lambda request id, or a local run's id. */
  readonly runId: string;
  /** The New York trading date the run is about (YYYY-MM-DD). */
  readonly newYorkDate: string;
  readonly outcome: OpsOutcome;
  readonly summary: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly table: OpsTable;
  /** The job's own structured result (JSON), small enough for one DynamoDB item. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Whether the outcome should page or notify: anything but ok and skipped. */
export function needsAttention(outcome: OpsOutcome): boolean {
  return outcome === 'problems' || outcome === 'failed';
}
