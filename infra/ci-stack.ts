/**
 * `Trading-ci`: the AWS side of the GitHub Actions deploys, once per AWS account, by an
 * administrator: `npx cdk deploy -c githubRepository=owner/name Trading-ci` (see docs/ci-cd.md).
 * It exists only when that context is given, so the pipeline's own `cdk deploy --all` of an
 * environment never redeploys the roles it deploys with.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GitHubDeployRole, type GitHubDeployRoleProps } from './github-deploy-role.ts';

export class CiStack extends Stack {
  readonly deployRoles: GitHubDeployRole;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { readonly deployRoles: GitHubDeployRoleProps },
  ) {
    super(scope, id, props);
    this.deployRoles = new GitHubDeployRole(this, 'GitHubDeploy', props.deployRoles);
  }
}
