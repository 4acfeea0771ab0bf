/**
 * The scheduled operations jobs of issue 14, each an OpsFunction with exactly its environment
 * and calls: the pre-market check and reconciliation (broker, state table, engine API), the
 * post-market report (state table, reports bucket) and the config backup (config bucket).
 *
 * The engine API. Premarket and reconciliation ask the engine's control API for its health and
 * positions, so `engineApiUrl` is required (https, or http on loopback only). The engine service
 * it points at is built by issue 15, which also places these two functions where they can reach
 * it; until then their schedules run, find no engine and report `failed`, which pages — the
 * truthful answer to "is the system ready to trade", and what the runbook expects rather than a
 * silently missing check.
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Environment } from '../shared/config/system-schema.ts';
import { OPS_METRICS } from '../shared/ops/ops-metrics.ts';
import { WORKING_ORDERS_INDEX } from '../shared/store/table-definitions.ts';
import { bundledConfigFor } from './bundled-config.ts';
import { OpsFunction } from './ops-function.ts';

export interface OpsJobsProps {
  readonly environment: Environment;
  readonly stateTable: ITableV2;
  readonly leaseTable: ITableV2;
  readonly brokerKeys: ISecret;
  readonly onCallTopic: ITopic;
  /** config account.name. */
  readonly accountName: string;
  /** config broker.tradingUrl. */
  readonly tradingUrl: string;
  /** The engine's control API base URL: https, or http on loopback. */
  readonly engineApiUrl: string;
  /** The secret holding the engine API's read token, when the API requires one. */
  readonly engineApiToken?: ISecret;
}

const entry = (path: string) => fileURLToPath(new URL(`../functions/${path}`, import.meta.url));

/** Throws unless `url` is https, or http to a loopback host. */
export function checkEngineApiUrl(url: string): string {
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
  readonly premarket: OpsFunction;
  readonly reconcile: OpsFunction;

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
    const shared = { accountName: props.accountName, onCallTopic: props.onCallTopic };

    this.premarket = new OpsFunction(this, 'Premarket', {
      ...shared,
      job: 'premarket',
      entry: entry('premarket/handler.ts'),
      environment: { ...common, ...engineApi, LEASE_TABLE_NAME: props.leaseTable.tableName },
      statements: [putReport, allow(['dynamodb:GetItem'], [props.leaseTable.tableArn])],
      secrets: engineSecrets,
      // It validates the deployed config, models included, as the engine would load it.
      bundledConfig: { ...bundledConfigFor(props.environment), variable: 'CONFIG_FILE' },
      // Broker clock, calendar and account, the engine's health, the lease: a handful of calls.
      timeout: Duration.minutes(2),
      memorySize: 512,
      // A crashed check is worth repeating until shortly before the 09:30 open.
      retryAttempts: 2,
      maxEventAge: Duration.minutes(20),
    });

    const confirmAfterMs = 5_000;
    this.reconcile = new OpsFunction(this, 'Reconcile', {
      ...shared,
      job: 'reconcile',
      entry: entry('reconcile/handler.ts'),
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
    });
  }
}
