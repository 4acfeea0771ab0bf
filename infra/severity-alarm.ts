/**
 * An alarm that says how bad it is: P0 pages on-call, P1 notifies. The description starts with
 * the severity and the stack, so the page itself tells the reader which engine and how urgent.
 */
import { Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { PagingTopics, Severity } from './paging-topics.ts';

export interface SeverityAlarmOptions {
  readonly severity: Severity;
  /** What happened and what to do; the severity and stack name are prefixed. */
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** ≥ threshold by default. */
  readonly comparison?: ComparisonOperator;
  /** Periods that must breach (out of as many); 1 by default. */
  readonly periods?: number;
  /** Missing data is fine by default (no orders, no breach). */
  readonly missing?: TreatMissingData;
}

export function severityAlarm(
  scope: Construct,
  id: string,
  paging: PagingTopics,
  options: SeverityAlarmOptions,
): Alarm {
  const label = options.severity === 'page' ? 'P0' : 'P1';
  const alarm = new Alarm(scope, id, {
    alarmDescription: `${label} ${Stack.of(scope).stackName}: ${options.description}`,
    metric: options.metric,
    threshold: options.threshold,
    evaluationPeriods: options.periods ?? 1,
    datapointsToAlarm: options.periods ?? 1,
    comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(paging.of(options.severity)));
  return alarm;
}
