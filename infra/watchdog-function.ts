/**
 * The cancel-on-disconnect watchdog: a Lambda run every minute by EventBridge Scheduler that
 * cancels every working order when the engine's lease lapses without a clean stop, and an alarm
 * that pages on-call when it does (P0).
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { WATCHDOG_METRICS } from '../functions/watchdog/watchdog-handler.ts';
import { FUNCTION_BUNDLING } from './function-bundling.ts';

export interface WatchdogFunctionProps {
  readonly leaseTable: ITableV2;
  readonly brokerKeys: ISecret;
  readonly onCallTopic: ITopic;
  /** config account.name: the lease item's key. */
  readonly accountName: string;
  /** config broker.tradingUrl. */
  readonly tradingUrl: string;
}

export const WATCHDOG_METRIC_NAMESPACE = 'Trading';
export const WATCHDOG_SERVICE = 'watchdog';

const ENTRY = fileURLToPath(new URL('../functions/watchdog/handler.ts', import.meta.url));

export class WatchdogFunction extends Construct {
  readonly handler: NodejsFunction;
  readonly leaseLapsedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: WatchdogFunctionProps) {
    super(scope, id);

    // A role of our own with exactly the calls the watchdog makes (no managed policies).
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Watchdog: read/take/release the engine lease, read the broker keys, write its logs',
      inlinePolicies: {
        watchdog: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
              resources: [props.leaseTable.tableArn],
            }),
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    props.brokerKeys.grantRead(role);

    this.handler = new NodejsFunction(this, 'Handler', {
      entry: ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // A run may wait up to WAIT_FOR_OVERDUE_MS for an overdue lease, then cancel.
      timeout: Duration.seconds(90),
      role,
      logGroup,
      environment: {
        ACCOUNT_NAME: props.accountName,
        LEASE_TABLE_NAME: props.leaseTable.tableName,
        TRADING_URL: props.tradingUrl,
        BROKER_SECRET_ID: props.brokerKeys.secretArn,
        WAIT_FOR_OVERDUE_MS: '50000',
        POWERTOOLS_SERVICE_NAME: WATCHDOG_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: WATCHDOG_METRIC_NAMESPACE,
      },
      bundling: FUNCTION_BUNDLING,
    });

    // Invoking an alias (not the bare function) lets the scheduler's role name one ARN, no wildcard.
    const live = new Alias(this, 'Live', { aliasName: 'live', version: this.handler.currentVersion });
    new Schedule(this, 'EveryMinute', {
      description: `Cancel-on-disconnect watchdog for ${props.accountName}`,
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(live, { retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
    });

    const metric = (metricName: string) =>
      new Metric({
        namespace: WATCHDOG_METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { service: WATCHDOG_SERVICE },
        statistic: 'Sum',
        period: Duration.minutes(1),
      });
    const page = new SnsAction(props.onCallTopic);
    const alarm = (alarmId: string, description: string, source: Metric, periods = 1) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric: source,
        threshold: 1,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(page);
      return created;
    };
    this.leaseLapsedAlarm = alarm(
      'LeaseLapsedAlarm',
      `P0 ${Stack.of(this).stackName}: the engine for ${props.accountName} stopped without releasing its lease; the watchdog cancelled its working orders. Check the engine and reconcile before restarting.`,
      metric(WATCHDOG_METRICS.leaseLapsed),
    );
    alarm(
      'CancelFailedAlarm',
      `P0 ${Stack.of(this).stackName}: the watchdog could not cancel working orders for ${props.accountName}; orders may still be live at Alpaca.`,
      metric(WATCHDOG_METRICS.cancelFailures),
    );
    alarm(
      'LeaseUnreadableAlarm',
      `The engine lease of ${props.accountName} is unreadable; the watchdog cannot protect against a dead engine.`,
      metric(WATCHDOG_METRICS.leaseUnreadable),
    );
    alarm(
      'WatchdogErrorsAlarm',
      `The cancel-on-disconnect watchdog for ${props.accountName} is failing; a dead engine's orders would stay live.`,
      this.handler.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      3,
    );
  }
}
