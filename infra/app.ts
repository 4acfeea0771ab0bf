/**
 * The CDK app: `npx cdk synth -c environment=staging` (offline). Wiring only: config/deployment.json
 * says which broker accounts each environment runs; each gets an AccountStack
 * `Trading-<environment>-<account>` on the environment's `Trading-<environment>`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ENVIRONMENTS, type Environment } from '../shared/config/system-schema.ts';
import { buildEnvironment } from './build-environment.ts';
import { loadEnvironmentDeployment } from './deployment-config.ts';

const app = new App();
const environment = (app.node.tryGetContext('environment') as string | undefined) ?? 'staging';
if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
  throw new Error(
    `-c environment must be one of ${ENVIRONMENTS.join(', ')}; got ${JSON.stringify(environment)}`,
  );
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
buildEnvironment(app, loadEnvironmentDeployment(environment as Environment));
app.synth();
