/**
 * When the scheduled operations jobs run: EventBridge Scheduler cron expressions in New York
 * time, the one source for the CDK schedules (infra/) and the local scheduler `npm start` runs.
 * The trading-day jobs fire on weekdays; each asks the broker's calendar and clock whether
 * today is a session (a holiday or one-off closure is skipped and said so) and how it ends.
 */
import { NEW_YORK_TIME_ZONE } from '../time/new-york-time.ts';
import type { OpsJob } from './ops-report.ts';

export const OPS_TIME_ZONE = NEW_YORK_TIME_ZONE;

export interface OpsSchedule {
  readonly job: OpsJob;
  /** EventBridge Scheduler's `cron(minutes hours day-of-month month day-of-week year)`. */
  readonly expression: string;
  readonly description: string;
}

export const OPS_SCHEDULES: Readonly<Record<OpsJob, OpsSchedule>> = {
  premarket: {
    job: 'premarket',
    expression: 'cron(0 9 ? * MON-FRI *)',
    description: 'pre-market check, 09:00 New York on weekdays (skipped on a day without a session)',
  },
  report: {
    job: 'report',
    // 13:15 serves a half day (13:00 close); on a full day that run finds the market open and
    // skips, and the 16:15 run reports. A half day's 16:15 run finds the report done.
    expression: 'cron(15 13,16 ? * MON-FRI *)',
    description: 'post-market report, 15 minutes after the close (16:15, or 13:15 on a half day)',
  },
  reconcile: {
    job: 'reconcile',
    expression: 'cron(0/5 9-16 ? * MON-FRI *)',
    description: 'reconciliation with the broker, every 5 minutes while the market is open',
  },
  backup: {
    job: 'backup',
    expression: 'cron(30 18 * * ? *)',
    description: 'config snapshot (and locally the table export), 18:30 New York every day',
  },
};
