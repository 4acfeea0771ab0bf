/**
 * The cancel-on-disconnect watchdog: a Lambda run every minute by EventBridge Scheduler that
 * cancels every working order when the engine's lease lapses without a clean stop, and an alarm
 * that pages on-call when it does (P0).
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { Alarm, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Alias, Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WATCHDOG_METRICS } from '../functions/watchdog/watchdog-handler.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { FUNCTION_BUNDLING } from './function-bundling.ts';
import { allow, functionRole } from './function-role.ts';
import type { PagingTopics } from './paging-topics.ts';
import { severityAlarm } from './severity-alarm.ts';
import { METRIC_NAMESPACE, tradingMetric } from './trading-metric.ts';

export interface WatchdogFunctionProps {
  readonly leaseTable: ITableV2;
  readonly brokerKeys: ISecret;
  readonly paging: PagingTopics;
  /** config account.name: the lease item's key. */
  readonly accountName: string;
  /** config broker.tradingUrl. */
  readonly tradingUrl: string;
}

export const WATCHDOG_SERVICE = 'watchdog';

export const WATCHDOG_ENTRY = fileURLToPath(new URL('../functions/watchdog/handler.ts', import.meta.url));

export class WatchdogFunction extends Construct {
  readonly handler: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly leaseLapsedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: WatchdogFunctionProps) {
    super(scope, id);

    const { role, logGroup } = functionRole(this, {
      name: 'watchdog',
      description: 'Watchdog: read/take/release the engine lease, read the broker keys, write its logs',
      statements: [
        allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [props.leaseTable.tableArn]),
      ],
    });
    props.brokerKeys.grantRead(role);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', {
      of: 'the watchdog function and its schedule',
    });
    this.handler = new NodejsFunction(this, 'Handler', {
      entry: WATCHDOG_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // A run may wait up to WAIT_FOR_OVERDUE_MS for an overdue lease, then cancel.
      timeout: Duration.seconds(90),
      // Two watchdogs at once would race each other's cancels; the next minute's run is soon enough.
      reservedConcurrentExecutions: 1,
      role,
      logGroup,
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        ACCOUNT_NAME: props.accountName,
        LEASE_TABLE_NAME: props.leaseTable.tableName,
        TRADING_URL: props.tradingUrl,
        BROKER_SECRET_ID: props.brokerKeys.secretArn,
        WAIT_FOR_OVERDUE_MS: '50000',
        POWERTOOLS_SERVICE_NAME: WATCHDOG_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
      bundling: FUNCTION_BUNDLING,
    });

    // Invoking an alias (not the bare function) lets the scheduler's role name one ARN, no wildcard.
    const live = new Alias(this, 'Live', {
      aliasName: 'live',
      version: this.handler.currentVersion,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
    });
    new Schedule(this, 'EveryMinute', {
      description: `Cancel-on-disconnect watchdog for ${props.accountName}`,
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      // A missed minute is made good by the next one: no retries, and what cannot run is kept for a look.
      target: new LambdaInvoke(live, {
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    const metric = (metricName: string) =>
      tradingMetric(WATCHDOG_SERVICE, props.accountName, metricName, 'Sum');
    const alarm = (alarmId: string, description: string, source: IMetric, periods = 1) =>
      severityAlarm(this, alarmId, props.paging, {
        severity: 'page',
        description,
        metric: source,
        threshold: 1,
        periods,
      });
    this.leaseLapsedAlarm = alarm(
      'LeaseLapsedAlarm',
      `the engine for ${props.accountName} stopped without releasing its lease; the watchdog cancelled its working orders. Check the engine and reconcile before restarting.`,
      metric(WATCHDOG_METRICS.leaseLapsed),
    );
    alarm(
      'CancelFailedAlarm',
      `the watchdog could not cancel working orders for ${props.accountName}; orders may still be live at Alpaca.`,
      metric(WATCHDOG_METRICS.cancelFailures),
    );
    alarm(
      'LeaseUnreadableAlarm',
      `the engine lease of ${props.accountName} is unreadable; the watchdog cannot protect against a dead engine.`,
      metric(WATCHDOG_METRICS.leaseUnreadable),
    );
    alarm(
      'WatchdogErrorsAlarm',
      `the cancel-on-disconnect watchdog for ${props.accountName} is failing; a dead engine's orders would stay live.`,
      this.handler.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      3,
    );
  }
}
