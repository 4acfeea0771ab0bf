/**
 * The scheduled jobs on their EventBridge expressions, in New York time, in the local stack's
 * process: each firing runs the job's body through runOpsJob (the report stored, the metrics set),
 * as the Lambda would. A job still running when it is due again is not started twice.
 */
import { Cron } from 'croner';
import type { OpsJob, OpsReport } from '../shared/ops/ops-report.ts';
import { OPS_SCHEDULES, OPS_TIME_ZONE, type OpsSchedule } from '../shared/ops/ops-schedules.ts';
import { type OpsJobRunner, runOpsJob } from '../shared/ops/run-ops-job.ts';
import { cronerPattern } from '../shared/ops/schedule-expression.ts';
import type { OpsJobBody } from './ops-jobs.ts';

export interface OpsSchedulerOptions {
  readonly bodies: Partial<Record<OpsJob, OpsJobBody>>;
  readonly runner: Omit<OpsJobRunner, 'runId'>;
  readonly schedules?: Readonly<Record<OpsJob, OpsSchedule>>;
  /** Told every report (for logs and tests). */
  readonly onReport?: (report: OpsReport) => void;
}

export interface OpsScheduler {
  /** The next firing of each scheduled job (epoch ms). */
  nextRuns(): Partial<Record<OpsJob, number>>;
  /** Fires a job's schedule now, as if it were due (what the schedule's firing runs, awaited). */
  fire(job: OpsJob): Promise<void>;
  close(): void;
}

export function startOpsScheduler(options: OpsSchedulerOptions): OpsScheduler {
  const schedules = options.schedules ?? OPS_SCHEDULES;
  const crons = new Map<OpsJob, Cron>();
  let runs = 0;
  for (const [job, body] of Object.entries(options.bodies) as [OpsJob, OpsJobBody][]) {
    const cron = new Cron(
      cronerPattern(schedules[job].expression),
      { timezone: OPS_TIME_ZONE, protect: true },
      async () => {
        runs += 1;
        const report = await runOpsJob(
          job,
          { ...options.runner, runId: `local-${job}-${options.runner.clock.nowMs()}-${runs}` },
          () => body('schedule'),
        );
        options.onReport?.(report);
      },
    );
    crons.set(job, cron);
  }
  return {
    nextRuns() {
      const next: Partial<Record<OpsJob, number>> = {};
      for (const [job, cron] of crons) {
        const at = cron.nextRun();
        if (at !== null) next[job] = at.getTime();
      }
      return next;
    },
    async fire(job) {
      const cron = crons.get(job);
      if (cron === undefined) throw new Error(`no schedule for ${job}`);
      await cron.trigger();
    },
    close() {
      for (const cron of crons.values()) cron.stop();
    },
  };
}
