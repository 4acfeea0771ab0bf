/**
 * Three CloudWatch dashboards per account, for three questions:
 *   trading overview — how is the account doing today (P&L, loss against the limit, exposure,
 *   orders, the breaker, every alarm's state);
 *   system health — is everything running (heartbeat, feed, lease, write-behind, memory and CPU,
 *   dead letters, the functions' errors);
 *   performance — how fast (order round trip percentiles, feed lag, event-loop delay, message
 *   rate, the signal function's duration).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  SingleValueWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { FargateService } from 'aws-cdk-lib/aws-ecs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENGINE_METRIC_SERVICE, ENGINE_METRICS } from '../engine/metrics/engine-metrics.ts';
import { tradingMetric } from './trading-metric.ts';

export interface EngineDashboardsProps {
  readonly accountName: string;
  readonly service: FargateService;
  readonly alarms: readonly Alarm[];
  readonly deadLetterQueues: readonly { readonly name: string; readonly queue: IQueue }[];
  /** The account's functions, by name, for their errors and durations. */
  readonly functions: readonly { readonly name: string; readonly handler: IFunction }[];
  /** The signal function, when the account has a signal path. */
  readonly signalFunction?: IFunction;
}

export class EngineDashboards extends Construct {
  readonly trading: Dashboard;
  readonly health: Dashboard;
  readonly performance: Dashboard;

  constructor(scope: Construct, id: string, props: EngineDashboardsProps) {
    super(scope, id);
    const prefix = Stack.of(this).stackName;
    const engine = (name: string, statistic: string, period?: Duration) =>
      tradingMetric(ENGINE_METRIC_SERVICE, props.accountName, name, statistic, period);
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });

    this.trading = new Dashboard(this, 'Trading', {
      dashboardName: `${prefix}-trading`,
      defaultInterval: Duration.days(1),
    });
    this.trading.addWidgets(
      new SingleValueWidget({
        title: 'Today',
        metrics: [
          engine(ENGINE_METRICS.dailyPnl, 'Average'),
          engine(ENGINE_METRICS.dailyLossPctOfLimit, 'Maximum'),
          engine(ENGINE_METRICS.grossExposure, 'Average'),
          engine(ENGINE_METRICS.breakerOpen, 'Maximum'),
        ],
        width: 24,
        height: 4,
      }),
      graph(
        'Daily P&L (USD) and gross exposure (USD)',
        [engine(ENGINE_METRICS.dailyPnl, 'Average')],
        [engine(ENGINE_METRICS.grossExposure, 'Average')],
      ),
      graph('Daily loss, % of the limit', [engine(ENGINE_METRICS.dailyLossPctOfLimit, 'Maximum')]),
      graph('Orders sent and failed', [
        engine(ENGINE_METRICS.ordersSent, 'Sum', Duration.minutes(5)),
        engine(ENGINE_METRICS.ordersFailed, 'Sum', Duration.minutes(5)),
      ]),
      graph('Circuit breaker open', [engine(ENGINE_METRICS.breakerOpen, 'Maximum')]),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 6 }),
    );

    this.health = new Dashboard(this, 'Health', { dashboardName: `${prefix}-health` });
    this.health.addWidgets(
      graph(
        'Engine heartbeat and lease',
        [engine(ENGINE_METRICS.running, 'SampleCount')],
        [engine(ENGINE_METRICS.leaseHeld, 'Minimum'), engine(ENGINE_METRICS.leaseLost, 'Sum')],
      ),
      graph('Market data disconnected (s)', [engine(ENGINE_METRICS.feedDisconnectedSeconds, 'Maximum')]),
      graph('Write-behind queue depth', [engine(ENGINE_METRICS.writeBehindQueueDepth, 'Maximum')]),
      graph(
        'Engine memory and CPU (%)',
        [props.service.metricMemoryUtilization({ statistic: 'Maximum' })],
        [props.service.metricCpuUtilization({ statistic: 'Maximum' })],
      ),
      graph(
        'Dead-letter queues',
        props.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name }),
        ),
      ),
      graph(
        'Function errors',
        props.functions.map(({ name, handler }) =>
          handler.metricErrors({ statistic: 'Sum', period: Duration.minutes(5), label: name }),
        ),
      ),
    );

    this.performance = new Dashboard(this, 'Performance', { dashboardName: `${prefix}-performance` });
    this.performance.addWidgets(
      graph(
        'Order round trip (ms)',
        ['p50', 'p99', 'p99.9', 'Maximum'].map((statistic) =>
          engine(ENGINE_METRICS.orderLatency, statistic, Duration.minutes(5)),
        ),
      ),
      graph('Feed lag, exchange to engine (ms)', [engine(ENGINE_METRICS.feedLag, 'Maximum')]),
      graph('Event loop delay p99 (ms)', [engine(ENGINE_METRICS.eventLoopDelay, 'Maximum')]),
      graph('Market-data messages per minute', [engine(ENGINE_METRICS.marketDataMessages, 'Sum')]),
      ...(props.signalFunction === undefined
        ? []
        : [
            graph(
              'Signal function duration (ms)',
              ['p50', 'p99'].map((statistic) =>
                props.signalFunction!.metricDuration({ statistic, period: Duration.minutes(5) }),
              ),
            ),
          ]),
    );
  }
}
