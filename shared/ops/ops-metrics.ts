/**
 * The metrics a job emits, by name: CloudWatch EMF through Powertools in a Lambda, prom-client
 * gauges in the local stack. Alarms watch the names in OPS_METRICS (infra/).
 */

export interface OpsMetrics {
  /** Sets a metric for this run: a count, or 0/1 for a check that passed or failed. */
  record(name: string, value: number): void;
}

export const OPS_METRICS = {
  /** 1 when a job could not finish or found a problem (P1 for most jobs; see the runbook). */
  jobFailed: (job: string) => `${pascal(job)}Failed`,
  /** 1 when one named pre-market check failed. */
  premarketCheckFailed: (check: string) => `PremarketCheck${pascal(check)}Failed`,
  /** Differences with the broker found by a reconciliation run (alarms when above 0). */
  reconciliationDifferences: 'ReconciliationDifferences',
} as const;

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
