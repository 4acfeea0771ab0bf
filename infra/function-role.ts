/**
 * What every Lambda of the app gets besides its code: a log group of its own (kept three months)
 * and a role of its own holding exactly the calls the function makes, plus writing to that log
 * group. No managed policies, so a role never grows a permission nobody asked for.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FunctionRole {
  readonly role: Role;
  readonly logGroup: LogGroup;
}

/** The role and log group, as children `<idPrefix>Role` and `<idPrefix>Logs` of `scope`. */
export function functionRole(
  scope: Construct,
  options: {
    readonly name: string;
    readonly description: string;
    readonly statements: readonly PolicyStatement[];
    /** For a scope holding several functions; none by default. */
    readonly idPrefix?: string;
  },
): FunctionRole {
  const prefix = options.idPrefix ?? '';
  const logGroup = new LogGroup(scope, `${prefix}Logs`, {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${prefix}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: options.description,
    inlinePolicies: {
      [options.name]: new PolicyDocument({
        statements: [
          ...options.statements,
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [logGroup.logGroupArn],
          }),
        ],
      }),
    },
  });
  return { role, logGroup };
}

/** An Allow statement. */
export function allow(actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [...resources] });
}
