/**
 * The CDK app: `npx cdk synth -c environment=staging` (offline). Wiring only.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ENVIRONMENTS, type Environment } from '../shared/config/system-schema.ts';
import { TradingStack } from './trading-stack.ts';

const app = new App();
const environment = (app.node.tryGetContext('environment') as string | undefined) ?? 'staging';
if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
  throw new Error(
    `-c environment must be one of ${ENVIRONMENTS.join(', ')}; got ${JSON.stringify(environment)}`,
  );
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new TradingStack(app, `Trading-${environment}`, {
  environment: environment as Environment,
  brokerSecretName: environment === 'production' ? 'trading/alpaca/live' : `trading/alpaca/${environment}`,
  // Until issue 15 builds the engine service and its name, `-c engineApiUrl=…` says where it is.
  engineApiUrl:
    (app.node.tryGetContext('engineApiUrl') as string | undefined) ??
    `https://engine.${environment}.trading.internal:8443`,
});
app.synth();
