import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { GitHubDeployRole, type GitHubDeployRoleProps } from '../../infra/github-deploy-role.ts';

const REPOSITORY = 'example-org/alpaca-trading';
const PROPS: GitHubDeployRoleProps = { repository: REPOSITORY, environments: ['staging', 'production'] };
const EXISTING_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

function build(props: GitHubDeployRoleProps = PROPS): { template: Template; construct: GitHubDeployRole } {
  const stack = new Stack(new App(), 'Ci');
  const construct = new GitHubDeployRole(stack, 'GitHubDeploy', props);
  return { template: Template.fromStack(stack), construct };
}

/** The ARN pattern the role may assume, as CloudFormation receives it. */
function bootstrapRole(kind: string, qualifier = 'hnb659fds') {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':iam::',
        { Ref: 'AWS::AccountId' },
        `:role/cdk-${qualifier}-${kind}-role-`,
        { Ref: 'AWS::AccountId' },
        '-*',
      ],
    ],
  };
}

/** The whole trust policy: one statement, web identity only, audience and subject matched exactly. */
function trustPolicy(provider: unknown, subject: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: provider },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': subject,
          },
        },
      },
    ],
  };
}

function trustOf(template: Template, environment: string): unknown {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { Description: Match.stringLikeRegexp(`from its ${environment} environment$`) },
  });
  const [role] = Object.values(roles) as { Properties: { AssumeRolePolicyDocument: unknown } }[];
  return role?.Properties.AssumeRolePolicyDocument;
}

describe('Construct: GitHubDeployRole', () => {
  it("creates GitHub's OIDC provider with the STS audience", () => {
    const { template } = build();

    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    // The native resource: no custom-resource Lambda to keep patched.
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it.each(['staging', 'production'])(
    'lets only a job in the %s environment of the repository assume its role, through the provider',
    (environment) => {
      const { template } = build();

      const [providerId] = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
      expect(trustOf(template, environment)).toStrictEqual(
        trustPolicy({ Ref: providerId }, `repo:${REPOSITORY}:environment:${environment}`),
      );
    },
  );

  it('makes one role per environment, each with a one-hour session and no managed policies', () => {
    const { template, construct } = build();

    expect(Object.keys(construct.roles)).toStrictEqual(['staging', 'production']);
    template.resourceCountIs('AWS::IAM::Role', 2);
    template.allResourcesProperties('AWS::IAM::Role', {
      MaxSessionDuration: 3600,
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  it('allows each role nothing but sts:AssumeRole on the CDK bootstrap roles of its account', () => {
    const { template } = build();

    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument).toStrictEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((kind) =>
              bootstrapRole(kind),
            ),
          },
        ],
      });
      expect(policy.Properties.Roles).toHaveLength(1);
    }
  });

  it('names the bootstrap roles with the qualifier the account was bootstrapped with', () => {
    const { template } = build({ ...PROPS, environments: ['staging'], bootstrapQualifier: 'trading1' });

    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Resource: Match.arrayWith([bootstrapRole('deploy', 'trading1')]) })],
      },
    });
  });

  it('outputs the ARN of each role', () => {
    const { template } = build();

    const outputs = Object.values(template.findOutputs('*')) as { Value: unknown; Description: string }[];
    expect(outputs.map((output) => output.Description)).toStrictEqual([
      `Set as AWS_DEPLOY_ROLE_ARN in the staging environment of ${REPOSITORY}`,
      `Set as AWS_DEPLOY_ROLE_ARN in the production environment of ${REPOSITORY}`,
    ]);
    for (const output of outputs) {
      expect(output.Value).toStrictEqual({ 'Fn::GetAtt': [expect.stringMatching(/Role/), 'Arn'] });
    }
  });

  it("trusts an account's existing provider, by ARN, instead of creating a second one", () => {
    const { template } = build({ ...PROPS, existingProviderArn: EXISTING_PROVIDER });

    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(trustOf(template, 'production')).toStrictEqual(
      trustPolicy(EXISTING_PROVIDER, `repo:${REPOSITORY}:environment:production`),
    );
  });

  it('accepts the immutable subject form of the repository, owner@ORG_ID/name@REPO_ID', () => {
    const { template } = build({ ...PROPS, repository: 'example-org@123456/alpaca-trading@789012' });

    const [providerId] = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    expect(trustOf(template, 'staging')).toStrictEqual(
      trustPolicy({ Ref: providerId }, 'repo:example-org@123456/alpaca-trading@789012:environment:staging'),
    );
  });

  it.each<[string, Partial<GitHubDeployRoleProps>, string]>([
    ['a repository without its owner', { repository: 'alpaca-trading' }, 'repository must be owner/name'],
    ['a wildcard repository', { repository: 'example-org/*' }, 'repository must be owner/name'],
    ['no environment', { environments: [] }, 'at least one environment'],
    ['a wildcard environment', { environments: ['*'] }, 'environment names are letters'],
    ['an environment twice', { environments: ['staging', 'staging'] }, 'repeat a name'],
    [
      'a qualifier longer than bootstrap allows',
      { bootstrapQualifier: 'qualifier-too-long' },
      'bootstrapQualifier',
    ],
  ])('refuses %s', (_case, override, message) => {
    expect(() => build({ ...PROPS, ...override })).toThrow(message);
  });

  it('passes the cdk-nag AWS Solutions checks with every exception acknowledged', () => {
    for (const props of [PROPS, { ...PROPS, existingProviderArn: EXISTING_PROVIDER }]) {
      const app = new App();
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      new GitHubDeployRole(new Stack(app, 'Ci'), 'GitHubDeploy', props);

      expect(() => app.synth()).not.toThrow();
    }
  });
});
