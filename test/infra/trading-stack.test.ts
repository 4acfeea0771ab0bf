import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { TradingStack } from '../../infra/trading-stack.ts';

const props = {
  environment: 'production',
  brokerSecretName: 'trading/alpaca/live',
  engineApiUrl: 'https://engine.internal.example:8443',
} as const;

// The bundles are checked in store-infra.test.ts; here the templates are enough.
const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

describe('Class: TradingStack', () => {
  it('holds the broker keys in Secrets Manager under the name the config points at', () => {
    const template = Template.fromStack(new TradingStack(noBundling(), 'Test', props));
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'trading/alpaca/live' });
    // No secret value is ever part of the template.
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
  });

  it('pages on-call through an encrypted topic that refuses plaintext publishers', () => {
    const template = Template.fromStack(new TradingStack(noBundling(), 'Test', props));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('passes the cdk-nag AWS Solutions checks with every exception acknowledged', () => {
    const app = noBundling();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new TradingStack(app, 'Test', props);
    expect(() => app.synth()).not.toThrow();
  });
});
