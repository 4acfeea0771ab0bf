/**
 * The scheduled operations jobs of issue 14, each an OpsFunction with exactly its environment
 * and calls: the pre-market check and reconciliation (broker, state table, engine API), the
 * post-market report (state table, broker, reports bucket) and the config backup (config
 * bucket; the tables are backed up by TableBackupPlan). `jobs` deploys a subset.
 *
 * The engine API. Premarket and reconciliation ask the engine's control API for its health and
 * positions, so `engineApiUrl` is required: https (the account's OperatorAccess endpoint, which
 * the functions reach like any operator, with the read token), or http on loopback only.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { OPS_METRICS } from '../shared/ops/ops-metrics.ts';
import { OPS_JOBS, type OpsJob } from '../shared/ops/ops-report.ts';
import { WORKING_ORDERS_INDEX } from '../shared/store/table-definitions.ts';
import { deployedPath, type EnvironmentConfig } from './bundled-config.ts';
import { CONFIG_SNAPSHOTS_PREFIX, REPORTS_PREFIX } from './ops-buckets.ts';
import { OpsFunction, type OpsFunctionProps } from './ops-function.ts';
import type { PagingTopics } from './paging-topics.ts';

export interface OpsJobsProps {
  /** The account's config, bundled for the jobs that read it. */
  readonly bundledConfig: EnvironmentConfig;
  readonly stateTable: ITableV2;
  readonly leaseTable: ITableV2;
  readonly brokerKeys: ISecret;
  readonly paging: PagingTopics;
  /** config account.name. */
  readonly accountName: string;
  /** config broker.tradingUrl. */
  readonly tradingUrl: string;
  /** The engine's control API base URL: https, or http on loopback. */
  readonly engineApiUrl: string;
  /** The secret holding the engine API's read token, when the API requires one. */
  readonly engineApiToken?: ISecret;
  /** The post-market report writes reports/<date>/… here. */
  readonly reportsBucket: IBucket;
  /** The backup writes config/<date>/… here. */
  readonly configSnapshotsBucket: IBucket;
  /** The jobs to deploy; all of them by default. */
  readonly jobs?: readonly OpsJob[];
  /** Handler modules in place of functions/<job>/handler.ts (tests, or a job moved elsewhere). */
  readonly entries?: Partial<Record<OpsJob, string>>;
}

/** Each job's handler module. */
export const OPS_JOB_ENTRIES: Readonly<Record<OpsJob, string>> = {
  premarket: fileURLToPath(new URL('../functions/premarket/handler.ts', import.meta.url)),
  reconcile: fileURLToPath(new URL('../functions/reconcile/handler.ts', import.meta.url)),
  report: fileURLToPath(new URL('../functions/post-market-report/handler.ts', import.meta.url)),
  backup: fileURLToPath(new URL('../functions/backup/handler.ts', import.meta.url)),
};

/** Throws unless `url` is https, or http to a loopback host. */
export function checkEngineApiUrl(url: string): string {
  // The deployed API's endpoint is only known at deploy time; it is https by construction.
  if (Token.isUnresolved(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`engineApiUrl ${JSON.stringify(url)} is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new Error(`engineApiUrl ${JSON.stringify(url)} must be https (http only on loopback)`);
  }
  return url;
}

export class OpsJobs extends Construct {
  /** By job, the jobs deployed. */
  readonly functions: Partial<Record<OpsJob, OpsFunction>> = {};

  constructor(scope: Construct, id: string, props: OpsJobsProps) {
    super(scope, id);
    const allow = (actions: string[], resources: string[]) =>
      new PolicyStatement({ effect: Effect.ALLOW, actions, resources });
    // Every job stores its report (one PutItem) in the state table.
    const putReport = allow(['dynamodb:PutItem'], [props.stateTable.tableArn]);
    const common = {
      ACCOUNT_NAME: props.accountName,
      STATE_TABLE_NAME: props.stateTable.tableName,
      TRADING_URL: props.tradingUrl,
      BROKER_SECRET_ID: props.brokerKeys.secretArn,
    };
    const engineApi = {
      ENGINE_API_URL: checkEngineApiUrl(props.engineApiUrl),
      ...(props.engineApiToken ? { ENGINE_API_TOKEN_SECRET_ID: props.engineApiToken.secretArn } : {}),
    };
    const engineSecrets = [props.brokerKeys, ...(props.engineApiToken ? [props.engineApiToken] : [])];
    const shared = { accountName: props.accountName, paging: props.paging };
    const environmentConfig = props.bundledConfig;
    // Only the fee schedule (the post-market report's fee estimate).
    const feesFile = join(environmentConfig.directory, 'fees.toml');
    const jobs = new Set(props.jobs ?? OPS_JOBS);
    const build = (
      job: OpsJob,
      id: string,
      settings: () => Omit<OpsFunctionProps, 'job' | 'entry' | 'accountName' | 'paging'>,
    ) => {
      if (jobs.has(job))
        this.functions[job] = new OpsFunction(this, id, {
          ...shared,
          job,
          entry: props.entries?.[job] ?? OPS_JOB_ENTRIES[job],
          ...settings(),
        });
    };

    build('premarket', 'Premarket', () => ({
      // Not ready to trade at the open is a page.
      severity: 'page',
      environment: {
        ...common,
        ...engineApi,
        LEASE_TABLE_NAME: props.leaseTable.tableName,
        CONFIG_FILE: deployedPath(environmentConfig.systemFile),
      },
      statements: [putReport, allow(['dynamodb:GetItem'], [props.leaseTable.tableArn])],
      secrets: engineSecrets,
      // It validates the deployed config, models included, as the engine would load it.
      bundledConfig: environmentConfig,
      // Broker clock, calendar and account, the engine's health, the lease: a handful of calls.
      timeout: Duration.minutes(2),
      memorySize: 512,
      // A crashed check is worth repeating until shortly before the 09:30 open.
      retryAttempts: 2,
      maxEventAge: Duration.minutes(20),
    }));

    const confirmAfterMs = 5_000;
    build('reconcile', 'Reconcile', () => ({
      // The engine, the store and the broker disagree about what is held: a page.
      severity: 'page',
      environment: { ...common, ...engineApi, CONFIRM_AFTER_MS: String(confirmAfterMs) },
      statements: [
        putReport,
        // listPositions (the table) and listWorkingOrders (the working-orders index).
        allow(
          ['dynamodb:Query'],
          [props.stateTable.tableArn, `${props.stateTable.tableArn}/index/${WORKING_ORDERS_INDEX}`],
        ),
      ],
      secrets: engineSecrets,
      // Two reads of the broker, the store and the engine, CONFIRM_AFTER_MS apart.
      timeout: Duration.seconds(60),
      // The next run is 5 minutes away: a run that could not start within 4 is dropped, not stacked.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(4),
      alarmMetrics: [
        {
          metricName: OPS_METRICS.reconciliationDifferences,
          description: `reconciliation for ${props.accountName} found differences between the store, the engine and the broker.`,
        },
      ],
    }));

    build('report', 'Report', () => ({
      severity: 'notify',
      environment: {
        ...common,
        REPORT_BUCKET: props.reportsBucket.bucketName,
        FEES_FILE: deployedPath(feesFile),
      },
      statements: [
        // The day's orders, fills, positions, risk events, breaker transitions and earlier reports.
        allow(['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'], [props.stateTable.tableArn]),
        allow(['s3:PutObject'], [props.reportsBucket.arnForObjects(`${REPORTS_PREFIX}*`)]),
      ],
      secrets: [props.brokerKeys],
      bundledConfig: { files: [feesFile], directories: [] },
      metricService: 'post-market-report',
      // A busy day's fills and the broker's activities, rendered twice (Markdown, HTML).
      timeout: Duration.minutes(5),
      memorySize: 1024,
      // A crashed report is worth repeating within the hour; the next chance is tomorrow.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    }));

    build('backup', 'Backup', () => ({
      severity: 'notify',
      environment: {
        ACCOUNT_NAME: props.accountName,
        STATE_TABLE_NAME: props.stateTable.tableName,
        CONFIG_BUCKET: props.configSnapshotsBucket.bucketName,
        CONFIG_DIR: deployedPath(environmentConfig.directory),
      },
      statements: [
        putReport,
        allow(['s3:PutObject'], [props.configSnapshotsBucket.arnForObjects(`${CONFIG_SNAPSHOTS_PREFIX}*`)]),
      ],
      // The snapshot is of the config this deployment runs with, checked as the engine loads it.
      bundledConfig: environmentConfig,
      timeout: Duration.minutes(2),
      retryAttempts: 2,
      maxEventAge: Duration.hours(2),
    }));

    // The object keys are named by date, so the writers' grants end in a wildcard under their prefix.
    const acknowledgeObjects = (job: OpsJob, bucket: IBucket, prefix: string) => {
      const role = this.functions[job]?.role;
      if (role === undefined) return;
      const bucketId = Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnBucket);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `The ${job} job writes date-named objects, PutObject only, under ${prefix} of its own bucket.`,
      });
    };
    acknowledgeObjects('report', props.reportsBucket, REPORTS_PREFIX);
    acknowledgeObjects('backup', props.configSnapshotsBucket, CONFIG_SNAPSHOTS_PREFIX);
  }
}
