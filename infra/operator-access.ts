/**
 * How operators (and the pre-market and reconciliation jobs) reach one engine's control API: an
 * API Gateway HTTP API, HTTPS only on its execute-api endpoint (there is no plaintext listener to
 * leave open), forwarding through a VPC link to the engine task found in Cloud Map. Nothing else
 * reaches the task's API port: its security group admits only the link's.
 *
 * Chosen over a load balancer with TLS because it needs no certificate or domain to be safe on
 * day one, costs nothing at rest (a load balancer is ~$16-22 a month before traffic), and keeps
 * one task per account without target-group health checks fighting the single-task deployment.
 *
 * A Lambda authorizer runs before every request: the source address must be in the environment's
 * allow-list (when it has one) and the bearer token must be the account's operator token (any
 * method) or its read token (GET and HEAD). Decisions are not cached, since they depend on the
 * method. The engine checks the operator token again on every action, so the authorizer is a
 * second lock, not the only one. Access logs record who called what and what the authorizer said.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  VpcLink,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpServiceDiscoveryIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IService } from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { FUNCTION_SERVICES } from '../functions/ops/function-metrics.ts';
import type { ApiRole } from '../shared/api/api-roles.ts';
import { FUNCTION_BUNDLING } from './function-bundling.ts';
import { functionRole } from './function-role.ts';

export const OPERATOR_AUTHORIZER_ENTRY = fileURLToPath(
  new URL('../functions/operator-authorizer/handler.ts', import.meta.url),
);
/** The stack output holding the engine API's base URL. */
export const OPERATOR_API_URL_OUTPUT = 'OperatorApiUrl';
export const OPERATOR_METRIC_SERVICE = FUNCTION_SERVICES.operatorAuthorizer;

export interface OperatorAccessProps {
  readonly vpc: IVpc;
  /** The engine's Cloud Map service (SRV records with its API port). */
  readonly engineDiscovery: IService;
  /** The group the engine admits to its API port. */
  readonly linkSecurityGroup: ISecurityGroup;
  readonly accountName: string;
  readonly apiTokens: Readonly<Record<ApiRole, ISecret>>;
  /** Source CIDRs allowed; empty: any source with a valid token. */
  readonly allowedCidrs: readonly string[];
}

export class OperatorAccess extends Construct {
  readonly api: HttpApi;
  readonly authorizer: NodejsFunction;
  /** https://…execute-api…amazonaws.com: the engine API's base URL for operators and jobs. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OperatorAccessProps) {
    super(scope, id);
    const authorizerScope = new Construct(this, 'Authorizer');
    const { role, logGroup } = functionRole(authorizerScope, {
      name: 'operator-authorizer',
      description: `Operator API authorizer of ${props.accountName}: read its three token secrets, write its logs`,
      statements: [],
    });
    for (const secret of Object.values(props.apiTokens)) secret.grantRead(role);
    this.authorizer = new NodejsFunction(authorizerScope, 'Handler', {
      entry: OPERATOR_AUTHORIZER_ENTRY,
      handler: 'handler',
      description: `Who may call the engine API of ${props.accountName}`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      role,
      logGroup,
      environment: {
        ACCOUNT_NAME: props.accountName,
        OPERATOR_TOKEN_SECRET_ID: props.apiTokens.operator.secretArn,
        READ_TOKEN_SECRET_ID: props.apiTokens.read.secretArn,
        ADMIN_TOKEN_SECRET_ID: props.apiTokens.admin.secretArn,
        ALLOWED_CIDRS: props.allowedCidrs.join(','),
        POWERTOOLS_SERVICE_NAME: OPERATOR_METRIC_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: 'Trading',
      },
      bundling: FUNCTION_BUNDLING,
    });

    const link = new VpcLink(this, 'Link', {
      vpc: props.vpc,
      subnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [props.linkSecurityGroup],
    });
    this.api = new HttpApi(this, 'Api', {
      description: `Control API of the ${props.accountName} engine`,
      createDefaultStage: false,
      defaultAuthorizer: new HttpLambdaAuthorizer('Tokens', this.authorizer, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        resultsCacheTtl: Duration.seconds(0),
      }),
    });
    this.api.addRoutes({
      path: '/{proxy+}',
      methods: [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.DELETE],
      integration: new HttpServiceDiscoveryIntegration('Engine', props.engineDiscovery, { vpcLink: link }),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Operators and two jobs: far below this, which only bounds a runaway client.
      throttle: { rateLimit: 20, burstLimit: 40 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            role: '$context.authorizer.role',
            authorizer: '$context.authorizer.reason',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });
    this.url = this.api.apiEndpoint;
    // A fixed output name, so scripts and the runbook can read it from any account's stack.
    new CfnOutput(this, 'Url', {
      value: this.url,
      description: `Engine API of ${props.accountName}`,
    }).overrideLogicalId(OPERATOR_API_URL_OUTPUT);
  }
}
