/**
 * The scheduled jobs' bodies over local parts — the same job code the Lambda handlers run — for the
 * local scheduler (`npm start`) and `npm run job`. A body takes how it was started: on a schedule
 * reconciliation runs only while the market is open; on demand it runs at once.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../shared/config/load-config.ts';
import { loadFeeRates } from '../shared/config/load-config.ts';
import { FolderArtifactStore } from '../shared/ops/artifact-store.ts';
import { runBackupJob } from '../shared/ops/backup-job.ts';
import type { EngineApiClient } from '../shared/ops/engine-api-client.ts';
import type { OpsMetrics } from '../shared/ops/ops-metrics.ts';
import type { OpsJob } from '../shared/ops/ops-report.ts';
import {
  type PostMarketReportDeps,
  runPostMarketReport,
} from '../shared/ops/post-market/post-market-report.ts';
import { type PremarketBroker, runPremarketCheck } from '../shared/ops/premarket/run-premarket-check.ts';
import { type ReconciliationBroker, runReconciliation } from '../shared/ops/reconcile/run-reconciliation.ts';
import type { OpsJobLog, OpsJobResult } from '../shared/ops/run-ops-job.ts';
import type { LeaseStore } from '../shared/store/lease-store.ts';
import type { Store } from '../shared/store/store.ts';
import type { Clock } from '../shared/time/clock.ts';

export type OpsTrigger = 'schedule' | 'on-demand';

export interface OpsJobParts {
  readonly config: Config;
  readonly broker: PremarketBroker & ReconciliationBroker & PostMarketReportDeps['broker'];
  /** Resolved per run: a local engine's address is known only once it has started. */
  readonly engine: () => Pick<EngineApiClient, 'health' | 'status'>;
  readonly store: Store;
  readonly leases: Pick<LeaseStore, 'read'>;
  readonly clock: Clock;
  readonly metrics: OpsMetrics;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: OpsJobLog;
  /** The fee schedule the report's fee estimate uses (config/fees.toml). */
  readonly feesFile: string;
  /** Where the post-market report's Markdown and HTML go (`.data/reports`). */
  readonly reportsFolder: string;
  /** The local tables the backup exports, and where it writes them and the config snapshots (`.data/backups`). */
  readonly backup: { readonly client: DynamoDBClient; readonly tablePrefix: string; readonly folder: string };
}

export type OpsJobBody = (trigger: OpsTrigger) => Promise<OpsJobResult>;

export function opsJobBodies(parts: OpsJobParts): Record<OpsJob, OpsJobBody> {
  return {
    premarket: () =>
      runPremarketCheck({
        broker: parts.broker,
        engine: parts.engine(),
        leases: parts.leases,
        system: parts.config.system,
        limits: parts.config.risk,
        clock: parts.clock,
        metrics: parts.metrics,
      }),
    report: (trigger) =>
      runPostMarketReport(
        {
          store: parts.store,
          broker: parts.broker,
          clock: parts.clock,
          artifacts: new FolderArtifactStore(parts.reportsFolder),
          feeRates: loadFeeRates(parts.feesFile),
          log: parts.log,
        },
        { force: trigger === 'on-demand' },
      ),
    backup: () =>
      runBackupJob({
        where: 'local',
        client: parts.backup.client,
        tablePrefix: parts.backup.tablePrefix,
        account: parts.config.system.account.name,
        backupsFolder: parts.backup.folder,
        // The files this stack runs with, not every file in config/.
        configFiles: [parts.config.files.system, parts.config.files.risk, parts.feesFile],
        nowMs: parts.clock.nowMs(),
      }),
    reconcile: (trigger) =>
      runReconciliation(
        {
          broker: parts.broker,
          engine: parts.engine(),
          store: parts.store,
          clock: parts.clock,
          metrics: parts.metrics,
          sleep: parts.sleep,
        },
        { onlyWhenOpen: trigger === 'schedule' },
      ),
  };
}
