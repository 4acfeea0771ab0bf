/**
 * The app's own CloudWatch metrics: namespace Trading, dimensions `service` (engine, premarket,
 * signals, …) and `account` (config account.name), so two accounts' engines and jobs in one AWS
 * account never share a metric or an alarm.
 */
import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';

export const METRIC_NAMESPACE = 'Trading';

export function tradingMetric(
  service: string,
  account: string,
  metricName: string,
  statistic: string,
  period: Duration = Duration.minutes(1),
): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { service, account },
    statistic,
    period,
  });
}
