/**
 * A scheduled job as a middy handler with Powertools logging and CloudWatch EMF metrics: the
 * invocation event is validated (a bad one is a `failed` report, not an exception), the run's id
 * is the Lambda request id, and the job runs through runOpsJob. Each job's handler module builds
 * its parts and hands its body here; tests call it with dynalite, fauxqs and the simulator.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type OpsEvent, readOpsEvent } from '../../shared/ops/ops-event.ts';
import type { OpsMetrics } from '../../shared/ops/ops-metrics.ts';
import type { OpsJob, OpsReport } from '../../shared/ops/ops-report.ts';
import { type OpsJobLog, type OpsJobResult, runOpsJob } from '../../shared/ops/run-ops-job.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { newYorkDate } from '../../shared/time/new-york-time.ts';

export interface OpsLambdaDependencies {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly reports?: { putOpsReport(report: OpsReport): Promise<void> };
}

export function emfOpsMetrics(metrics: Metrics): OpsMetrics {
  return { record: (name, value) => metrics.addMetric(name, MetricUnit.Count, value) };
}

export function powertoolsOpsLog(logger: Logger): OpsJobLog {
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}

export function createOpsLambdaHandler(
  job: OpsJob,
  deps: OpsLambdaDependencies,
  body: (event: OpsEvent, runId: string) => Promise<OpsJobResult>,
) {
  const metrics = emfOpsMetrics(deps.metrics);
  const log = powertoolsOpsLog(deps.logger);
  const handle = (input: unknown, context: { awsRequestId: string }): Promise<OpsReport> => {
    const read = readOpsEvent(input, job);
    return runOpsJob(
      job,
      {
        runId: context.awsRequestId,
        clock: deps.clock,
        metrics,
        log,
        ...(deps.reports ? { reports: deps.reports } : {}),
      },
      async () => {
        if (!read.ok) {
          return {
            newYorkDate: newYorkDate(deps.clock.nowMs()),
            outcome: 'failed',
            summary: read.problem,
            table: { columns: [], rows: [] },
            detail: { problem: read.problem },
          };
        }
        return body(read.event, context.awsRequestId);
      },
    );
  };
  return middy(handle)
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { throwOnEmptyMetrics: false }));
}
