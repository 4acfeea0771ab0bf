/**
 * One broker account's stack: everything that belongs to one engine — its broker keys and API
 * tokens, its tables and their backups, its engine service and the operator API in front of it,
 * its signal path, watchdog and scheduled jobs, its buckets, alarms and dashboards. It stands on
 * its environment's EnvironmentStack (network, cluster, paging topics) and on nothing another
 * account owns, so adding or removing an account never replaces this one's resources.
 */
import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { ApiRole } from '../shared/api/api-roles.ts';
import { bundledConfigFor } from './bundled-config.ts';
import type { DeployedAccount, EnvironmentDeploymentSettings } from './deployment-config.ts';
import { EngineAlarms } from './engine-alarms.ts';
import { EngineDashboards } from './engine-dashboards.ts';
import type { EngineNetwork } from './engine-network.ts';
import { EngineService } from './engine-service.ts';
import { OperatorAccess } from './operator-access.ts';
import { OpsBuckets } from './ops-buckets.ts';
import { OpsJobs } from './ops-jobs.ts';
import type { PagingTopics } from './paging-topics.ts';
import { SignalPath } from './signal-path.ts';
import { StoreTables } from './store-tables.ts';
import { TableBackupPlan } from './table-backup-plan.ts';
import { WatchdogFunction } from './watchdog-function.ts';

export interface AccountStackProps extends StackProps {
  readonly account: DeployedAccount;
  readonly settings: EnvironmentDeploymentSettings;
  readonly network: EngineNetwork;
  readonly paging: PagingTopics;
  /** The engine image; the repository's Dockerfile by default. */
  readonly engineImage?: ContainerImage;
}

/** The Secrets Manager names of an account's secrets. */
export function accountSecretNames(accountName: string) {
  return {
    brokerKeys: `trading/${accountName}/alpaca-keys`,
    apiTokens: {
      read: `trading/${accountName}/read-token`,
      operator: `trading/${accountName}/operator-token`,
      admin: `trading/${accountName}/admin-token`,
    } satisfies Record<ApiRole, string>,
  };
}

export class AccountStack extends Stack {
  readonly brokerKeys: Secret;
  /** The engine API's bearer token for each role. */
  readonly apiTokens: Readonly<Record<ApiRole, Secret>>;
  readonly storeTables: StoreTables;
  readonly tableBackups: TableBackupPlan;
  readonly opsBuckets: OpsBuckets;
  readonly signalPath: SignalPath | undefined;
  readonly engine: EngineService;
  readonly operatorAccess: OperatorAccess;
  readonly watchdog: WatchdogFunction;
  readonly opsJobs: OpsJobs;
  readonly alarms: EngineAlarms;
  readonly dashboards: EngineDashboards;

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, props);
    const { account, settings, paging } = props;
    const { system } = account.config;
    const names = accountSecretNames(account.name);

    // The operator pastes the Alpaca key pair in after deploy; CDK never sees the values.
    this.brokerKeys = new Secret(this, 'BrokerKeys', {
      secretName: names.brokerKeys,
      description: `Alpaca API key pair of ${account.name}: {"keyId":"…","secretKey":"…"}`,
    });
    Validations.of(this.brokerKeys).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Alpaca keys are issued and rotated in the Alpaca dashboard; Secrets Manager cannot rotate them.',
    });
    // Generated at deploy, read by operators from Secrets Manager; rotating one is a new value and a restart.
    const token = (tokenId: string, secretName: string, what: string) => {
      const secret = new Secret(this, tokenId, {
        secretName,
        description: `${what} of the ${account.name} engine API (a bearer token)`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The engine reads its token at start; rotation is a new value (put-secret-value) and an engine restart, a step in docs/deployment.md rather than a rotation Lambda that would restart trading on its own schedule.',
      });
      return secret;
    };
    this.apiTokens = {
      read: token('ReadToken', names.apiTokens.read, 'The read-only token (GET routes)'),
      operator: token('OperatorToken', names.apiTokens.operator, 'The operator token (actions)'),
      admin: token(
        'AdminToken',
        names.apiTokens.admin,
        'The admin token (actions and the circuit-breaker reset)',
      ),
    };

    this.storeTables = new StoreTables(this, 'Store', { tablePrefix: system.store.tablePrefix });
    this.tableBackups = new TableBackupPlan(this, 'TableBackups', {
      tables: [this.storeTables.state, this.storeTables.lease, this.storeTables.idempotency],
    });
    this.opsBuckets = new OpsBuckets(this, 'OpsBuckets');
    const bundledConfig = bundledConfigFor(account.systemFile);

    this.signalPath =
      system.signals === undefined
        ? undefined
        : new SignalPath(this, 'SignalPath', {
            accountName: account.name,
            signals: system.signals,
            bundledConfig,
            idempotencyTable: this.storeTables.idempotency,
          });

    this.engine = new EngineService(this, 'Engine', {
      cluster: props.network.cluster,
      vpc: props.network.vpc,
      accountName: account.name,
      configFile: bundledConfig.systemFile,
      apiPort: system.engine.http.port,
      cpu: settings.engine.cpu,
      memoryMiB: settings.engine.memoryMiB,
      brokerKeys: this.brokerKeys,
      apiTokens: this.apiTokens,
      stateTable: this.storeTables.state,
      leaseTable: this.storeTables.lease,
      paging,
      ...(this.signalPath === undefined
        ? {}
        : { signalQueues: { bars: this.signalPath.bars, signals: this.signalPath.signals } }),
      ...(props.engineImage === undefined ? {} : { image: props.engineImage }),
    });
    this.operatorAccess = new OperatorAccess(this, 'OperatorAccess', {
      vpc: props.network.vpc,
      engineDiscovery: this.engine.service.cloudMapService!,
      linkSecurityGroup: this.engine.apiClients,
      accountName: account.name,
      apiTokens: this.apiTokens,
      allowedCidrs: settings.operatorAccess.allowedCidrs,
    });

    this.watchdog = new WatchdogFunction(this, 'Watchdog', {
      leaseTable: this.storeTables.lease,
      brokerKeys: this.brokerKeys,
      paging,
      accountName: account.name,
      tradingUrl: system.broker.tradingUrl,
    });
    this.opsJobs = new OpsJobs(this, 'Ops', {
      bundledConfig,
      stateTable: this.storeTables.state,
      leaseTable: this.storeTables.lease,
      brokerKeys: this.brokerKeys,
      paging,
      accountName: account.name,
      tradingUrl: system.broker.tradingUrl,
      engineApiUrl: this.operatorAccess.url,
      engineApiToken: this.apiTokens.read,
      reportsBucket: this.opsBuckets.reports,
      configSnapshotsBucket: this.opsBuckets.configSnapshots,
    });

    const deadLetterQueues = [
      { name: 'Watchdog', queue: this.watchdog.deadLetterQueue },
      ...(this.signalPath === undefined
        ? []
        : [
            { name: 'BarsQueue', queue: this.signalPath.barsDeadLetters },
            { name: 'SignalsQueue', queue: this.signalPath.signalsDeadLetters },
          ]),
    ];
    this.alarms = new EngineAlarms(this, 'Alarms', {
      accountName: account.name,
      paging,
      service: this.engine.service,
      orderLatencyP99Ms: settings.alarms.orderLatencyP99Ms,
      deadLetterQueues,
    });
    const opsFunctions = Object.entries(this.opsJobs.functions).map(([job, fn]) => ({
      name: job,
      handler: fn.handler,
      deadLetters: fn.deadLetterQueue,
    }));
    this.dashboards = new EngineDashboards(this, 'Dashboards', {
      accountName: account.name,
      service: this.engine.service,
      alarms: [
        ...this.alarms.alarms,
        this.watchdog.leaseLapsedAlarm,
        ...Object.values(this.opsJobs.functions).map((fn) => fn.failedAlarm),
      ],
      deadLetterQueues: [
        ...deadLetterQueues,
        ...opsFunctions.map(({ name, deadLetters }) => ({ name, queue: deadLetters })),
      ],
      functions: [
        { name: 'watchdog', handler: this.watchdog.handler },
        { name: 'authorizer', handler: this.operatorAccess.authorizer },
        ...opsFunctions,
        ...(this.signalPath === undefined ? [] : [{ name: 'signals', handler: this.signalPath.handler }]),
      ],
      ...(this.signalPath === undefined ? {} : { signalFunction: this.signalPath.handler }),
    });
  }
}
