/**
 * The scheduled jobs' bodies over local parts — the same job code the Lambda handlers run — for the
 * local scheduler (`npm start`) and `npm run job`. A body takes how it was started: on a schedule
 * reconciliation runs only while the market is open; on demand it runs at once.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EngineApiClient } from '../shared/api/engine-api-client.ts';
import type { Config } from '../shared/config/load-config.ts';
import { loadFeeRates } from '../shared/config/load-config.ts';
import { FolderArtifactStore } from '../shared/ops/artifact-store.ts';
import { runBackupJob } from '../shared/ops/backup-job.ts';
import type { OpsMetrics } from '../shared/ops/ops-metrics.ts';
import type { OpsJob } from '../shared/ops/ops-report.ts';
import {
  type PostMarketReportDeps,
  runPostMarketReport,
} from '../shared/ops/post-market/post-market-report.ts';
import { type PremarketBroker, runPremarketCheck } from '../shared/ops/premarket/run-premarket-check.ts';
import { type ReconciliationBroker, runReconciliation } from '../shared/ops/reconcile/run-reconciliation.ts';
import type { OpsJobLog, OpsJobResult } from '../shared/ops/run-ops-job.ts';
import { DynamoLeaseStore } from '../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../shared/store/dynamo-store.ts';
import { tableNames } from '../shared/store/table-definitions.ts';
import type { Clock } from '../shared/time/clock.ts';
import { localBackupsFolder, localReportsFolder } from './local-endpoints.ts';

export type OpsTrigger = 'schedule' | 'on-demand';

export interface OpsJobParts {
  readonly config: Config;
  readonly broker: PremarketBroker & ReconciliationBroker & PostMarketReportDeps['broker'];
  /** Asked at each run: a local engine's address is known only once it has started. */
  readonly engineApiUrl: () => string;
  /** The engine API's read token (`npm start` hands one to every process it starts). */
  readonly engineApiToken?: string;
  /** The config's tables (store.tablePrefix), through both kinds of client the jobs use. */
  readonly dynamo: { readonly document: DynamoDBDocumentClient; readonly raw: DynamoDBClient };
  readonly clock: Clock;
  readonly metrics: OpsMetrics;
  readonly log: OpsJobLog;
  /** The fee schedule the report's fee estimate uses (config/fees.toml). */
  readonly feesFile: string;
  /** The local stack's data folder (`.data/dynamo`): reports and backups go beside it. */
  readonly dataFolder: string;
}

export type OpsJobBody = (trigger: OpsTrigger) => Promise<OpsJobResult>;

export interface LocalOpsJobs {
  readonly bodies: Record<OpsJob, OpsJobBody>;
  /** Where the runs' reports are stored: the state table. */
  readonly reports: DynamoStore;
}

export function localOpsJobs(parts: OpsJobParts): LocalOpsJobs {
  const { system } = parts.config;
  const tables = tableNames(system.store.tablePrefix);
  const account = system.account.name;
  const store = new DynamoStore({ client: parts.dynamo.document, tables, account });
  const leases = new DynamoLeaseStore({ client: parts.dynamo.document, table: tables.lease, account });
  const engine = () =>
    new EngineApiClient({
      baseUrl: parts.engineApiUrl(),
      ...(parts.engineApiToken === undefined ? {} : { token: parts.engineApiToken }),
    });
  return { bodies: bodies(parts, store, leases, engine), reports: store };
}

function bodies(
  parts: OpsJobParts,
  store: DynamoStore,
  leases: DynamoLeaseStore,
  engine: () => EngineApiClient,
): Record<OpsJob, OpsJobBody> {
  return {
    premarket: () =>
      runPremarketCheck({
        broker: parts.broker,
        engine: engine(),
        leases,
        system: parts.config.system,
        limits: parts.config.risk,
        clock: parts.clock,
        metrics: parts.metrics,
      }),
    report: (trigger) =>
      runPostMarketReport(
        {
          store,
          broker: parts.broker,
          clock: parts.clock,
          artifacts: new FolderArtifactStore(localReportsFolder(parts.dataFolder)),
          feeRates: loadFeeRates(parts.feesFile),
          log: parts.log,
        },
        { force: trigger === 'on-demand' },
      ),
    backup: () =>
      runBackupJob({
        where: 'local',
        client: parts.dynamo.raw,
        tablePrefix: parts.config.system.store.tablePrefix,
        account: parts.config.system.account.name,
        backupsFolder: localBackupsFolder(parts.dataFolder),
        // The files this stack runs with, not every file in config/.
        configFiles: [
          { path: parts.config.files.system, kind: 'system' },
          { path: parts.config.files.risk, kind: 'risk' },
          { path: parts.feesFile, kind: 'fees' },
        ],
        nowMs: parts.clock.nowMs(),
      }),
    reconcile: (trigger) =>
      runReconciliation(
        {
          broker: parts.broker,
          engine: engine(),
          store,
          clock: parts.clock,
          metrics: parts.metrics,
          sleep: (ms) => sleep(ms),
        },
        { onlyWhenOpen: trigger === 'schedule' },
      ),
  };
}
