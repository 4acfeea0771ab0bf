/**
 * An environment's stacks: `Trading-<environment>` with what its accounts share, and one
 * `Trading-<environment>-<account>` per broker account. Stack names and construct ids come only
 * from the environment and the account's name, so the list's order and its other entries never
 * change an account's logical ids.
 */
import type { App } from 'aws-cdk-lib';
import type { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { AccountStack } from './account-stack.ts';
import type { EnvironmentDeployment } from './deployment-config.ts';
import { EnvironmentStack } from './environment-stack.ts';

export interface EnvironmentStacks {
  readonly shared: EnvironmentStack;
  readonly accounts: ReadonlyMap<string, AccountStack>;
}

export function buildEnvironment(
  app: App,
  deployment: EnvironmentDeployment,
  options: { readonly engineImage?: ContainerImage } = {},
): EnvironmentStacks {
  const { environment, settings } = deployment;
  const env = {
    region: settings.region,
    ...(settings.awsAccount === undefined ? {} : { account: settings.awsAccount }),
  };
  const shared = new EnvironmentStack(app, `Trading-${environment}`, {
    environment,
    settings,
    env,
    description: `Trading ${environment}: network, cluster and paging topics shared by its accounts`,
  });
  const accounts = new Map<string, AccountStack>();
  for (const account of deployment.accounts) {
    const stack = new AccountStack(app, `Trading-${environment}-${account.name}`, {
      account,
      settings,
      network: shared.network,
      paging: shared.paging,
      env,
      description: `Trading ${environment}: the ${account.name} engine and everything that is its own`,
      ...(options.engineImage === undefined ? {} : { engineImage: options.engineImage }),
    });
    accounts.set(account.name, stack);
  }
  return { shared, accounts };
}
