/**
 * What the accounts of one environment share: the network and ECS cluster their engines run in,
 * the P0/P1 paging topics, and the backtest sweep. Each broker account gets its own AccountStack
 * on top, so adding or removing an account never touches this stack's resources.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Environment } from '../shared/config/system-schema.ts';
import { BacktestSweep } from './backtest-sweep.ts';
import type { EnvironmentDeploymentSettings } from './deployment-config.ts';
import { EngineNetwork } from './engine-network.ts';
import { PagingTopics } from './paging-topics.ts';

export interface EnvironmentStackProps extends StackProps {
  readonly environment: Environment;
  readonly settings: EnvironmentDeploymentSettings;
}

export class EnvironmentStack extends Stack {
  readonly network: EngineNetwork;
  readonly paging: PagingTopics;
  readonly backtestSweep: BacktestSweep;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    this.network = new EngineNetwork(this, 'Network', {
      namespaceName: `${props.environment}.trading.internal`,
    });
    this.paging = new PagingTopics(this, 'Paging', { environment: props.environment });
    this.backtestSweep = new BacktestSweep(this, 'BacktestSweep', {
      maxConcurrency: props.settings.backtestSweep.maxConcurrency,
    });
  }
}
