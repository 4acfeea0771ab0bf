/**
 * Every function's Powertools metrics: namespace Trading, dimensions `service` and `account`, so
 * the functions of two broker accounts in one AWS account never share a metric (or an alarm).
 * The infrastructure's alarms name the same services from here.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';

export const FUNCTION_METRIC_NAMESPACE = 'Trading';

/** The `service` dimension of each function. */
export const FUNCTION_SERVICES = {
  premarket: 'premarket',
  reconcile: 'reconcile',
  report: 'post-market-report',
  backup: 'backup',
  watchdog: 'watchdog',
  signals: 'signals',
  operatorAuthorizer: 'operator-authorizer',
} as const;

export type FunctionService = (typeof FUNCTION_SERVICES)[keyof typeof FUNCTION_SERVICES];

export function functionMetrics(service: FunctionService, account: string): Metrics {
  return new Metrics({
    namespace: FUNCTION_METRIC_NAMESPACE,
    serviceName: service,
    defaultDimensions: { account },
  });
}
