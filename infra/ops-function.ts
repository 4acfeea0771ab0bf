/**
 * One scheduled-operations job as a Lambda (issue 14), built like the watchdog: Node 24 on arm64,
 * an ESM bundle, a role of its own with exactly the calls the job makes, its log group, a `live`
 * alias the schedule invokes, and alarms to on-call.
 *
 * Scheduling. An EventBridge Scheduler schedule fires OPS_SCHEDULES[job] in New York time (so DST
 * moves with the exchange) with the input the handler validates (shared/ops/ops-event.ts):
 * `{"job", "trigger": "schedule", "scheduledTime", "executionId"}`. Scheduler invokes Lambda
 * asynchronously; the alias's async settings decide what happens to a run that fails or cannot
 * start (reserved concurrency 1 throttles a second run of the same job while one is going, and
 * Lambda keeps the event queued until `maxEventAge`): it is retried `retryAttempts` times, then
 * lands in the function's dead-letter queue, whose alarm pages. An event Scheduler cannot hand
 * to Lambda at all lands in the same queue.
 *
 * Alarms. `<Job>Failed` ≥ 1 (the job could not finish or found a problem; runOpsJob records it
 * on every run), any further metrics the job names (reconciliation differences), the function's
 * Errors (a crash before the job could report, e.g. a bad environment), and the dead-letter queue.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import type { Alarm, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OPS_METRICS } from '../shared/ops/ops-metrics.ts';
import type { OpsJob } from '../shared/ops/ops-report.ts';
import { OPS_SCHEDULES, OPS_TIME_ZONE } from '../shared/ops/ops-schedules.ts';
import { type BundledConfig, configCommandHooks } from './bundled-config.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { FUNCTION_BUNDLING } from './function-bundling.ts';
import { functionRole } from './function-role.ts';
import type { PagingTopics, Severity } from './paging-topics.ts';
import { severityAlarm } from './severity-alarm.ts';
import { METRIC_NAMESPACE, tradingMetric } from './trading-metric.ts';

export interface OpsAlarmMetric {
  readonly metricName: string;
  /** What the page says; the stack name and account are prefixed. */
  readonly description: string;
}

export interface OpsFunctionProps {
  readonly job: OpsJob;
  /** The handler module (functions/<job>/handler.ts), exporting `handler`. */
  readonly entry: string;
  /** config account.name, for the alarm texts. */
  readonly accountName: string;
  readonly paging: PagingTopics;
  /** Where the job's alarms go: P0 for what blocks trading, P1 for what can wait. */
  readonly severity: Severity;
  /** The job's environment variables (AWS_REGION is Lambda's own). */
  readonly environment: Readonly<Record<string, string>>;
  /** The job's AWS calls, on its tables, indexes and bucket prefixes; its logs are added here, and the DLQ's SendMessage by Lambda. */
  readonly statements: readonly PolicyStatement[];
  /** Secrets the job reads (the broker keys, the engine API token). */
  readonly secrets?: readonly ISecret[];
  /** Config files to copy into the bundle; `deployedPath` gives their paths for `environment`. */
  readonly bundledConfig?: BundledConfig;
  readonly timeout: Duration;
  readonly memorySize?: number;
  /** How often a failed or throttled asynchronous run is retried, and how long it may wait to start. */
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  /** The Powertools service name the handler records its metrics under; the job by default. */
  readonly metricService?: string;
  /** Metrics besides `<Job>Failed` that page when ≥ 1 in a period. */
  readonly alarmMetrics?: readonly OpsAlarmMetric[];
}

export class OpsFunction extends Construct {
  readonly handler: NodejsFunction;
  readonly live: Alias;
  readonly role: Role;
  readonly deadLetterQueue: Queue;
  readonly schedule: Schedule;
  readonly failedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: OpsFunctionProps) {
    super(scope, id);
    const { job } = props;
    const schedule = OPS_SCHEDULES[job];

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', {
      of: `the ${job} function and its schedule`,
    });

    const { role, logGroup } = functionRole(this, {
      name: job,
      description: `Ops job ${job}: its own table, bucket and secret calls, its logs and dead letters`,
      statements: props.statements,
    });
    this.role = role;
    for (const secret of props.secrets ?? []) secret.grantRead(this.role);

    const config = props.bundledConfig;
    const service = props.metricService ?? job;
    this.handler = new NodejsFunction(this, 'Handler', {
      entry: props.entry,
      handler: 'handler',
      description: schedule.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      // A job must never run twice at once: a second run waits (throttled, queued) for the first.
      reservedConcurrentExecutions: 1,
      deadLetterQueue: this.deadLetterQueue,
      role: this.role,
      logGroup,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
      bundling: {
        ...FUNCTION_BUNDLING,
        ...(config ? { commandHooks: configCommandHooks(config) } : {}),
      },
    });

    // Async settings are per qualifier: the schedule invokes the alias, so they are set here.
    this.live = new Alias(this, 'Live', {
      aliasName: 'live',
      version: this.handler.currentVersion,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `${job}: ${schedule.description}`,
      schedule: ScheduleExpression.expression(schedule.expression, TimeZone.of(OPS_TIME_ZONE)),
      target: new LambdaInvoke(this.live, {
        input: ScheduleTargetInput.fromObject({
          job,
          trigger: 'schedule',
          scheduledTime: ContextAttribute.scheduledTime,
          executionId: ContextAttribute.executionId,
        }),
        retryAttempts: props.retryAttempts,
        maxEventAge: props.maxEventAge,
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    const alarm = (alarmId: string, description: string, metric: IMetric) =>
      severityAlarm(this, alarmId, props.paging, {
        severity: props.severity,
        description,
        metric,
        threshold: 1,
      });
    const jobMetric = (metricName: string) =>
      tradingMetric(service, props.accountName, metricName, 'Sum', Duration.minutes(5));
    this.failedAlarm = alarm(
      'FailedAlarm',
      `the ${job} job for ${props.accountName} failed or found a problem; its report in the state table says why.`,
      jobMetric(OPS_METRICS.jobFailed(job)),
    );
    for (const extra of props.alarmMetrics ?? []) {
      alarm(`${extra.metricName}Alarm`, extra.description, jobMetric(extra.metricName));
    }
    alarm(
      'ErrorsAlarm',
      `the ${job} function for ${props.accountName} crashed before it could report (see its logs).`,
      this.handler.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    alarm(
      'DeadLettersAlarm',
      `a ${job} run for ${props.accountName} was given up (retries or its maximum age spent); it is in the dead-letter queue.`,
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
    );
  }
}
