/**
 * The CDK app: `npx cdk synth -c environment=staging` (offline). Wiring only: config/deployment.json
 * says which broker accounts each environment runs; each gets an AccountStack
 * `Trading-<environment>-<account>` on the environment's `Trading-<environment>`. With
 * `-c githubRepository=owner/name` (and optionally `-c githubEnvironments=staging,production`,
 * `-c githubOidcProviderArn=…`) it also holds `Trading-ci`, the CI/CD deploy roles.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ENVIRONMENTS, type Environment } from '../shared/config/system-schema.ts';
import { buildEnvironment } from './build-environment.ts';
import { CiStack } from './ci-stack.ts';
import { loadEnvironmentDeployment } from './deployment-config.ts';

const app = new App();
const context = (key: string) => app.node.tryGetContext(key) as string | undefined;
const environment = context('environment') ?? 'staging';
if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
  throw new Error(
    `-c environment must be one of ${ENVIRONMENTS.join(', ')}; got ${JSON.stringify(environment)}`,
  );
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
buildEnvironment(app, loadEnvironmentDeployment(environment as Environment));
const repository = context('githubRepository');
if (repository !== undefined) {
  const providerArn = context('githubOidcProviderArn');
  new CiStack(app, 'Trading-ci', {
    description: 'GitHub Actions OIDC deploy roles of the trading system',
    deployRoles: {
      repository,
      environments: (context('githubEnvironments') ?? 'staging,production').split(','),
      ...(providerArn === undefined ? {} : { existingProviderArn: providerArn }),
    },
  });
}
app.synth();
