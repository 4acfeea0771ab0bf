/**
 * The watchdog as a middy handler with Powertools logging and CloudWatch EMF metrics. Built from
 * injected parts so tests run it against dynalite and the simulator; handler.ts wires the AWS ones.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { LeaseStore } from '../../shared/store/lease-store.ts';
import type { Clock } from '../../shared/time/clock.ts';
import {
  type OrderCanceller,
  runWatchdog,
  type WatchdogOutcome,
  type WatchdogSignals,
} from '../../shared/watchdog/lease-watchdog.ts';

/** Metric names the CDK alarms watch (infra/watchdog-function.ts). */
export const WATCHDOG_METRICS = {
  /** P0: a lease lapsed without a clean stop. */
  leaseLapsed: 'EngineLeaseLapsed',
  ordersCancelled: 'WatchdogOrdersCancelled',
  cancelFailures: 'WatchdogCancelFailures',
  leaseUnreadable: 'EngineLeaseUnreadable',
} as const;

export interface WatchdogHandlerDependencies {
  readonly leases: LeaseStore;
  /** Resolved per run, so a rotated key pair is picked up. */
  readonly broker: () => Promise<OrderCanceller>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly waitForOverdueMs: number;
}

export function emfWatchdogSignals(metrics: Metrics): WatchdogSignals {
  return {
    leaseLapsed(_account, summary) {
      metrics.addMetric(WATCHDOG_METRICS.leaseLapsed, MetricUnit.Count, 1);
      metrics.addMetric(WATCHDOG_METRICS.ordersCancelled, MetricUnit.Count, summary.cancelled);
      metrics.addMetric(WATCHDOG_METRICS.cancelFailures, MetricUnit.Count, summary.failed);
    },
    leaseUnreadable() {
      metrics.addMetric(WATCHDOG_METRICS.leaseUnreadable, MetricUnit.Count, 1);
    },
  };
}

export function createWatchdogHandler(deps: WatchdogHandlerDependencies) {
  const signals = emfWatchdogSignals(deps.metrics);
  const handle = async (_event: unknown, context: { awsRequestId: string }): Promise<WatchdogOutcome> => {
    const outcome = await runWatchdog({
      leases: deps.leases,
      broker: await deps.broker(),
      signals,
      clock: deps.clock,
      log: deps.logger,
      holderId: `watchdog/lambda/${context.awsRequestId}`,
      waitForOverdueMs: deps.waitForOverdueMs,
    });
    deps.logger.info('watchdog run finished', { outcome: outcome.outcome });
    return outcome;
  };
  return middy(handle)
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics, { throwOnEmptyMetrics: false }));
}
