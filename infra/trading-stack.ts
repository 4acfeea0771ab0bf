/**
 * The trading system's AWS resources for one environment. It grows with the issues that need
 * infrastructure (tables, queues, functions, the engine service); each part is its own construct.
 */
import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Environment } from '../shared/config/system-schema.ts';
import { OpsBuckets } from './ops-buckets.ts';
import { OpsJobs } from './ops-jobs.ts';
import { type PersistenceSettings, persistenceSettingsFor } from './persistence-settings.ts';
import { StoreTables } from './store-tables.ts';
import { TableBackupPlan } from './table-backup-plan.ts';
import { WatchdogFunction } from './watchdog-function.ts';

export interface TradingStackProps extends StackProps {
  readonly environment: Environment;
  /** The Secrets Manager name the engine's config points at (broker.credentials.secretId). */
  readonly brokerSecretName: string;
  /** Table prefix, lease account and broker URL; read from the environment's config file when absent. */
  readonly persistence?: PersistenceSettings;
  /**
   * The engine's control API, which the pre-market check and reconciliation call: https, or http
   * on loopback (see OpsJobs). Issue 15 builds the service behind it.
   */
  readonly engineApiUrl: string;
  /** The secret holding the engine API's read token, when the API requires one. */
  readonly engineApiToken?: ISecret;
}

export class TradingStack extends Stack {
  readonly brokerKeys: Secret;
  readonly onCallTopic: Topic;
  readonly storeTables: StoreTables;
  readonly watchdog: WatchdogFunction;
  readonly tableBackups: TableBackupPlan;
  readonly opsBuckets: OpsBuckets;
  readonly opsJobs: OpsJobs;

  constructor(scope: Construct, id: string, props: TradingStackProps) {
    super(scope, id, props);

    // The operator pastes the Alpaca key pair in after deploy; CDK never sees the values.
    this.brokerKeys = new Secret(this, 'BrokerKeys', {
      secretName: props.brokerSecretName,
      description: `Alpaca API key pair for the ${props.environment} trading engine: {"keyId":"…","secretKey":"…"}`,
    });
    Validations.of(this.brokerKeys).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Alpaca keys are issued and rotated in the Alpaca dashboard; Secrets Manager cannot rotate them.',
    });

    this.onCallTopic = new Topic(this, 'OnCallTopic', {
      displayName: `Trading ${props.environment} on-call`,
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });

    const persistence = props.persistence ?? persistenceSettingsFor(props.environment);
    this.storeTables = new StoreTables(this, 'Store', { tablePrefix: persistence.tablePrefix });
    this.watchdog = new WatchdogFunction(this, 'Watchdog', {
      leaseTable: this.storeTables.lease,
      brokerKeys: this.brokerKeys,
      onCallTopic: this.onCallTopic,
      accountName: persistence.accountName,
      tradingUrl: persistence.tradingUrl,
    });
    this.tableBackups = new TableBackupPlan(this, 'TableBackups', {
      tables: [this.storeTables.state, this.storeTables.lease, this.storeTables.idempotency],
    });
    this.opsBuckets = new OpsBuckets(this, 'OpsBuckets');
    this.opsJobs = new OpsJobs(this, 'Ops', {
      environment: props.environment,
      stateTable: this.storeTables.state,
      leaseTable: this.storeTables.lease,
      brokerKeys: this.brokerKeys,
      onCallTopic: this.onCallTopic,
      accountName: persistence.accountName,
      tradingUrl: persistence.tradingUrl,
      engineApiUrl: props.engineApiUrl,
      reportsBucket: this.opsBuckets.reports,
      configSnapshotsBucket: this.opsBuckets.configSnapshots,
      ...(props.engineApiToken ? { engineApiToken: props.engineApiToken } : {}),
    });
  }
}
