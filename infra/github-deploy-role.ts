/**
 * The AWS side of the GitHub Actions deploys (.github/workflows/ci.yml): GitHub's OIDC identity
 * provider and, per GitHub environment, a role that only a workflow job running in that
 * environment of this repository can assume, with no long-lived keys anywhere. The role can do
 * one thing: assume the CDK bootstrap roles of its account, which `cdk deploy` then uses to
 * publish assets and drive CloudFormation.
 */
import { Aws, CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import {
  type IOidcProvider,
  OidcProviderNative,
  PolicyStatement,
  Role,
  WebIdentityPrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';
/** The audience configure-aws-credentials asks GitHub to put in the token. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/** The qualifier `cdk bootstrap` uses unless told otherwise. */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';
/** The bootstrap roles `cdk deploy` assumes; the CloudFormation execution role trusts only CloudFormation. */
export const BOOTSTRAP_ROLE_KINDS = ['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const;

/**
 * `owner/name`, or `owner@ORG_ID/name@REPO_ID` for a repository whose tokens carry GitHub's
 * immutable subject claim (repositories created from 15 July 2026 on, or opted in).
 */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:@\d+)?\/[A-Za-z0-9._-]+(?:@\d+)?$/;
/** Kept to what is safe in a subject claim, a construct id and an output name. */
const ENVIRONMENT = /^[A-Za-z0-9_-]+$/;
/** The pattern `cdk bootstrap` accepts for its Qualifier parameter. */
const QUALIFIER = /^[A-Za-z0-9_-]{1,10}$/;

export interface GitHubDeployRoleProps {
  /** The repository as its OIDC subject claim names it: `owner/name` (or `owner@ORG_ID/name@REPO_ID`). */
  readonly repository: string;
  /** GitHub environments that deploy into this account, one role each (e.g. `['staging', 'production']`). */
  readonly environments: readonly string[];
  /**
   * The ARN of the account's existing GitHub OIDC provider. An account holds one provider per
   * issuer URL, so a second stack in the same account imports the first one's instead of creating it.
   */
  readonly existingProviderArn?: string;
  /** The qualifier the account was bootstrapped with (`cdk bootstrap --qualifier`). */
  readonly bootstrapQualifier?: string;
}

export class GitHubDeployRole extends Construct {
  readonly provider: IOidcProvider;
  /** The deploy role of each environment, by environment name. */
  readonly roles: Readonly<Record<string, Role>>;

  constructor(scope: Construct, id: string, props: GitHubDeployRoleProps) {
    super(scope, id);
    const qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    checkProps(props.repository, props.environments, qualifier);

    this.provider =
      props.existingProviderArn === undefined
        ? new OidcProviderNative(this, 'Provider', {
            url: `https://${GITHUB_OIDC_ISSUER}`,
            clientIds: [GITHUB_OIDC_AUDIENCE],
          })
        : OidcProviderNative.fromOidcProviderArn(this, 'Provider', props.existingProviderArn);

    const bootstrapRoleArns = BOOTSTRAP_ROLE_KINDS.map(
      (kind) =>
        // The region is left open: one account is bootstrapped per region it deploys to.
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-${qualifier}-${kind}-role-${Aws.ACCOUNT_ID}-*`,
    );
    const roles: Record<string, Role> = {};
    for (const environment of props.environments) {
      const role = new Role(this, `${environment}Role`, {
        description: `GitHub Actions deploys of ${props.repository} from its ${environment} environment`,
        // StringEquals on the whole subject: only a job that names this environment, in this
        // repository, gets in; a branch, a pull request or another environment does not.
        assumedBy: new WebIdentityPrincipal(this.provider.oidcProviderArn, {
          StringEquals: {
            [`${GITHUB_OIDC_ISSUER}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_ISSUER}:sub`]: `repo:${props.repository}:environment:${environment}`,
          },
        }),
        // The CLI's sessions in the bootstrap roles are chained from this one, which caps them at
        // an hour whatever this says; longer would only widen a stolen token's window.
        maxSessionDuration: Duration.hours(1),
      });
      role.addToPolicy(new PolicyStatement({ actions: ['sts:AssumeRole'], resources: bootstrapRoleArns }));
      for (const arn of bootstrapRoleArns) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagResource(arn)}]`,
          reason:
            'The CDK bootstrap role names end in the region; the deploy may target any region this account is bootstrapped in. Only the four roles cdk deploy assumes are named, and each trusts only this account.',
        });
      }
      new CfnOutput(this, `${environment}RoleArn`, {
        description: `Set as AWS_DEPLOY_ROLE_ARN in the ${environment} environment of ${props.repository}`,
        value: role.roleArn,
      });
      roles[environment] = role;
    }
    this.roles = roles;
  }
}

function checkProps(repository: string, environments: readonly string[], qualifier: string): void {
  const problems: string[] = [];
  if (!REPOSITORY.test(repository))
    problems.push(`repository must be owner/name, got ${JSON.stringify(repository)}`);
  if (environments.length === 0) problems.push('environments must name at least one environment');
  for (const environment of environments) {
    if (!ENVIRONMENT.test(environment))
      problems.push(`environment names are letters, digits, - and _, got ${JSON.stringify(environment)}`);
  }
  if (new Set(environments).size !== environments.length)
    problems.push(`environments repeat a name: ${environments.join(', ')}`);
  if (!QUALIFIER.test(qualifier))
    problems.push(
      `bootstrapQualifier must be 1-10 letters, digits, - or _, got ${JSON.stringify(qualifier)}`,
    );
  if (problems.length > 0) throw new Error(`GitHubDeployRole: ${problems.join('; ')}`);
}

/** cdk-nag names a resource with its pseudo parameters written as <AWS::Name>. */
function nagResource(arn: string): string {
  return arn.replaceAll(Aws.PARTITION, '<AWS::Partition>').replaceAll(Aws.ACCOUNT_ID, '<AWS::AccountId>');
}
