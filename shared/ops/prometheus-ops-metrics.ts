/** The jobs' metrics in a long-running process (the local stack): one gauge, labelled by metric name. */
import { Gauge, type Registry } from 'prom-client';
import type { OpsMetrics } from './ops-metrics.ts';

export function prometheusOpsMetrics(registry: Registry): OpsMetrics {
  const gauge = new Gauge({
    name: 'ops_job_metric',
    help: "The scheduled jobs' metrics as their last run set them (the names CloudWatch alarms watch in AWS, e.g. PremarketFailed, ReconciliationDifferences).",
    labelNames: ['metric'],
    registers: [registry],
  });
  return { record: (metric, value) => gauge.set({ metric }, value) };
}
