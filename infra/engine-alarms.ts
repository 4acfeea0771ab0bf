/**
 * What wakes someone about one account's engine. The engine's own metrics (EMF lines, namespace
 * Trading, dimensions service=engine and account) and AWS's service metrics, each alarm at the
 * severity its consequence deserves:
 *
 *   P0 (page): breaker tripped; daily loss above 90 % of the limit; market data down for more than
 *   a minute; order round trip p99 above the page threshold; the engine not running (its
 *   heartbeat missing for three minutes: crashed, stopped, or unable to publish); the lease lost.
 *   P1 (notify): daily loss above 80 %; order p99 above the notify threshold; more than 0.5 % of
 *   orders failing; memory above 80 %; the write-behind queue backing up; a dead-letter queue
 *   holding a message.
 */
import { Duration } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { FargateService } from 'aws-cdk-lib/aws-ecs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENGINE_METRIC_SERVICE, ENGINE_METRICS } from '../engine/metrics/engine-metrics.ts';
import type { PagingTopics } from './paging-topics.ts';
import { severityAlarm } from './severity-alarm.ts';
import { tradingMetric } from './trading-metric.ts';

/** The write-behind queue holds 10 000 items; a tenth of that sustained is a store falling behind. */
export const WRITE_BEHIND_BACKLOG_ALARM = 1_000;
export const FAILED_ORDERS_ALARM_PCT = 0.5;

export interface EngineAlarmsProps {
  readonly accountName: string;
  readonly paging: PagingTopics;
  readonly service: FargateService;
  readonly orderLatencyP99Ms: { readonly page: number; readonly notify: number };
  /** Every dead-letter queue of the account outside the ops jobs (which alarm on their own). */
  readonly deadLetterQueues: readonly { readonly name: string; readonly queue: IQueue }[];
}

export class EngineAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: EngineAlarmsProps) {
    super(scope, id);
    const account = props.accountName;
    const metric = (name: string, statistic: string, period?: Duration) =>
      tradingMetric(ENGINE_METRIC_SERVICE, account, name, statistic, period);
    const add = (alarmId: string, options: Parameters<typeof severityAlarm>[3]) =>
      this.alarms.push(severityAlarm(this, alarmId, props.paging, options));

    add('BreakerTripped', {
      severity: 'page',
      description: `the circuit breaker of ${account} tripped; new exposure is refused. Read the risk events, then reset it through the API with a reason.`,
      metric: metric(ENGINE_METRICS.breakerOpen, 'Maximum'),
      threshold: 1,
    });
    for (const [severity, pct] of [
      ['page', 90],
      ['notify', 80],
    ] as const) {
      add(severity === 'page' ? 'DailyLossPage' : 'DailyLossNotify', {
        severity,
        description: `${account} has lost more than ${pct} % of its daily loss limit today.`,
        metric: metric(ENGINE_METRICS.dailyLossPctOfLimit, 'Maximum'),
        threshold: pct,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    add('FeedDisconnected', {
      severity: 'page',
      description: `market data for ${account} has been disconnected for more than a minute; stops and strategies are blind.`,
      metric: metric(ENGINE_METRICS.feedDisconnectedSeconds, 'Maximum'),
      threshold: 60,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    for (const severity of ['page', 'notify'] as const) {
      const threshold = props.orderLatencyP99Ms[severity];
      add(severity === 'page' ? 'OrderLatencyPage' : 'OrderLatencyNotify', {
        severity,
        description: `${account}'s order round trip p99 over 5 minutes is above ${threshold} ms.`,
        metric: metric(ENGINE_METRICS.orderLatency, 'p99', Duration.minutes(5)),
        threshold,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    add('FailedOrders', {
      severity: 'notify',
      description: `more than ${FAILED_ORDERS_ALARM_PCT} % of ${account}'s orders in 15 minutes failed (refused by the broker or not sent).`,
      metric: new MathExpression({
        expression: 'IF(sent > 0, 100 * FILL(failed, 0) / sent, 0)',
        usingMetrics: {
          sent: metric(ENGINE_METRICS.ordersSent, 'Sum', Duration.minutes(15)),
          failed: metric(ENGINE_METRICS.ordersFailed, 'Sum', Duration.minutes(15)),
        },
        label: 'failed orders %',
        period: Duration.minutes(15),
      }),
      threshold: FAILED_ORDERS_ALARM_PCT,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    add('Memory', {
      severity: 'notify',
      description: `the ${account} engine has used more than 80 % of its task memory for 10 minutes.`,
      metric: props.service.metricMemoryUtilization({ period: Duration.minutes(5), statistic: 'Average' }),
      threshold: 80,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      periods: 2,
    });
    add('NotRunning', {
      severity: 'page',
      description: `the ${account} engine has not reported for 3 minutes: the task is not running or cannot publish. Check the ECS service's events and the engine's last log lines.`,
      metric: metric(ENGINE_METRICS.running, 'SampleCount'),
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      periods: 3,
      missing: TreatMissingData.BREACHING,
    });
    add('LeaseLost', {
      severity: 'page',
      description: `the ${account} engine lost its lease and stopped trading; another engine may hold the account. Reconcile before anything else.`,
      metric: metric(ENGINE_METRICS.leaseLost, 'Sum'),
      threshold: 1,
    });
    add('WriteBehindBacklog', {
      severity: 'notify',
      description: `the ${account} engine's write-behind queue has held more than ${WRITE_BEHIND_BACKLOG_ALARM} items for 5 minutes; the store is not keeping up (throttling, errors).`,
      metric: metric(ENGINE_METRICS.writeBehindQueueDepth, 'Maximum'),
      threshold: WRITE_BEHIND_BACKLOG_ALARM,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      periods: 5,
    });
    for (const { name, queue } of props.deadLetterQueues) {
      add(`${name}DeadLetters`, {
        severity: 'notify',
        description: `${name} of ${account} has messages in its dead-letter queue; they were given up after retries.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
      });
    }
  }
}
