/**
 * The trading system's AWS resources for one environment. It grows with the issues that need
 * infrastructure (tables, queues, functions, the engine service); each part is its own construct.
 */
import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Environment } from '../shared/config/system-schema.ts';
import { type PersistenceSettings, persistenceSettingsFor } from './persistence-settings.ts';
import { StoreTables } from './store-tables.ts';
import { WatchdogFunction } from './watchdog-function.ts';

export interface TradingStackProps extends StackProps {
  readonly environment: Environment;
  /** The Secrets Manager name the engine's config points at (broker.credentials.secretId). */
  readonly brokerSecretName: string;
  /** Table prefix, lease account and broker URL; read from the environment's config file when absent. */
  readonly persistence?: PersistenceSettings;
}

export class TradingStack extends Stack {
  readonly brokerKeys: Secret;
  readonly onCallTopic: Topic;
  readonly storeTables: StoreTables;
  readonly watchdog: WatchdogFunction;

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
  }
}
