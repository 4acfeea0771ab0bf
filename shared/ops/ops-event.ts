/**
 * The event a scheduled job is invoked with: EventBridge Scheduler's target input, which the CDK
 * schedule fills with the job name and Scheduler's context attributes, or an on-demand invocation
 * (`npm run job`, `aws lambda invoke`). Validated like every boundary.
 */
import { z } from 'zod';
import { OPS_JOBS } from './ops-report.ts';

export const opsEventSchema = z.strictObject({
  job: z.enum(OPS_JOBS),
  trigger: z.enum(['schedule', 'on-demand']),
  /** `<aws.scheduler.scheduled-time>`: when the schedule was due (ISO 8601). */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
  /** `<aws.scheduler.execution-id>`. */
  executionId: z.string().min(1).max(200).optional(),
});
export type OpsEvent = z.infer<typeof opsEventSchema>;

export type OpsEventRead =
  | { readonly ok: true; readonly event: OpsEvent }
  | { readonly ok: false; readonly problem: string };

export function readOpsEvent(input: unknown, expectedJob: OpsEvent['job']): OpsEventRead {
  const parsed = opsEventSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`,
    );
    return { ok: false, problem: `invalid invocation event: ${problems.join('; ')}` };
  }
  if (parsed.data.job !== expectedJob) {
    return {
      ok: false,
      problem: `invocation event names job ${parsed.data.job}; this function runs ${expectedJob}`,
    };
  }
  return { ok: true, event: parsed.data };
}
