import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountSecretNames } from '../../infra/account-stack.ts';
import { loadEnvironmentDeployment } from '../../infra/deployment-config.ts';
import { ENGINE_HEALTH_CHECK_COMMAND, ENGINE_STOP_TIMEOUT_SECONDS } from '../../infra/engine-service.ts';
import { OPERATOR_API_URL_OUTPUT, OPERATOR_AUTHORIZER_ENTRY } from '../../infra/operator-access.ts';
import { OPS_JOB_ENTRIES } from '../../infra/ops-jobs.ts';
import { SIGNAL_FUNCTION_ENTRY } from '../../infra/signal-path.ts';
import { WATCHDOG_ENTRY } from '../../infra/watchdog-function.ts';
import { ENVIRONMENTS, type Environment } from '../../shared/config/system-schema.ts';
import {
  type DeploymentFixture,
  deploymentFixture,
  type Json,
  shippedDeployment,
  twoAccountStaging,
} from '../support/deployment-fixture.ts';
import {
  durationMs,
  instructionsOf,
  parseCommand,
  parseHealthcheck,
  readStages,
} from '../support/dockerfile.ts';
import { type Resource, resourcesOf, synthEnvironment } from '../support/infra-stacks.ts';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const ofType = (resources: Record<string, Resource>, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

function single(resources: Record<string, Resource>, type: string, idPrefix: string): [string, Resource] {
  // The construct path's id and CDK's 8-digit hash, nothing more: SignalsBars is not SignalsBarsDeadLetters.
  const found = ofType(resources, type).filter(([id]) => new RegExp(`^${idPrefix}[0-9A-F]{8}$`).test(id));
  expect(
    found.map(([id]) => id),
    `${type} ${idPrefix}*`,
  ).toHaveLength(1);
  return found[0]!;
}

/** Every statement of a role: inline and attached. */
function statementsOf(resources: Record<string, Resource>, roleId: string): Statement[] {
  const inline = (resources[roleId]!.Properties.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  const attached = ofType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .map(([, p]) => p.Properties as { PolicyDocument: { Statement: Statement[] } });
  return [...inline, ...attached].flatMap((policy) => policy.PolicyDocument.Statement);
}
const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

/** How an account stack refers to one of its environment's topics: the import of its ARN's export. */
function importedTopicArn(shared: Template, displayName: string): { 'Fn::ImportValue': string } {
  const [topicId] = Object.keys(
    shared.findResources('AWS::SNS::Topic', { Properties: { DisplayName: displayName } }),
  );
  const outputs = Object.values(shared.findOutputs('*')) as { Value: unknown; Export?: { Name: string } }[];
  const exported = outputs.filter(
    (output) => JSON.stringify(output.Value) === JSON.stringify({ Ref: topicId }),
  );
  expect(exported, displayName).toHaveLength(1);
  return { 'Fn::ImportValue': exported[0]!.Export!.Name };
}

/** The topic an alarm action points at: the environment stack's page or notify topic. */
const topic = (severity: 'Page' | 'Notify') => ({
  'Fn::ImportValue': Match.stringLikeRegexp(`PagingTopics?${severity}|Paging${severity}`),
});

describe.each(ENVIRONMENTS)('Stacks of %s', (environment: Environment) => {
  const deployment = loadEnvironmentDeployment(environment);
  const account = deployment.accounts[0]!;
  const { system } = account.config;
  let template: Template;
  let resources: Record<string, Resource>;
  let shared: Template;

  beforeAll(() => {
    const synthesized = synthEnvironment(environment);
    template = synthesized.account(account.name);
    resources = resourcesOf(template);
    shared = synthesized.shared;
    expect(synthesized.stacks.shared.stackName).toBe(`Trading-${environment}`);
    expect(synthesized.accountStack(account.name).stackName).toBe(`Trading-${environment}-${account.name}`);
    expect(synthesized.accountStack(account.name).region).toBe(deployment.settings.region);
  });

  it('runs the engine in a VPC with public subnets and no NAT gateway, DynamoDB through a gateway endpoint', () => {
    shared.resourceCountIs('AWS::EC2::VPC', 1);
    shared.resourceCountIs('AWS::EC2::NatGateway', 0);
    shared.resourceCountIs('AWS::EC2::Subnet', 2);
    shared.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
    shared.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.dynamodb'])] }),
    });
    shared.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
    shared.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: `${environment}.trading.internal`,
    });
  });

  it('runs exactly one engine task: desired 1, minimum healthy 0 %, maximum 100 %, rolled back on failure', () => {
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1,
      LaunchType: 'FARGATE',
      DeploymentConfiguration: {
        MinimumHealthyPercent: 0,
        MaximumPercent: 100,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
      ServiceRegistries: [Match.objectLike({ ContainerPort: system.engine.http.port })],
    });
  });

  it('defines the task as the image runs it: arm64, read-only root, the Dockerfile health check and command', () => {
    const final = readStages().at(-1)!;
    const healthcheck = parseHealthcheck(instructionsOf(final, 'HEALTHCHECK')[0]!.args);
    expect(healthcheck.command).toStrictEqual({ form: 'exec', argv: ENGINE_HEALTH_CHECK_COMMAND.slice(1) });
    const cmd = parseCommand(instructionsOf(final, 'CMD')[0]!.args);
    const [, task] = single(resources, 'AWS::ECS::TaskDefinition', 'EngineTask');
    expect(task.Properties).toMatchObject({
      Cpu: String(deployment.settings.engine.cpu),
      Memory: String(deployment.settings.engine.memoryMiB),
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    const [container, ...others] = task.Properties.ContainerDefinitions as Record<string, unknown>[];
    expect(others).toStrictEqual([]);
    expect(container).toMatchObject({
      Essential: true,
      ReadonlyRootFilesystem: true,
      StopTimeout: ENGINE_STOP_TIMEOUT_SECONDS,
      PortMappings: [{ ContainerPort: system.engine.http.port, Protocol: 'tcp' }],
      HealthCheck: {
        Command: [...ENGINE_HEALTH_CHECK_COMMAND],
        Interval: durationMs(healthcheck.flags.interval!) / 1000,
        Timeout: durationMs(healthcheck.flags.timeout!) / 1000,
        StartPeriod: durationMs(healthcheck.flags['start-period']!) / 1000,
        Retries: Number(healthcheck.flags.retries),
      },
      LogConfiguration: {
        LogDriver: 'awslogs',
        Options: expect.objectContaining({ mode: 'non-blocking', 'awslogs-stream-prefix': 'engine' }),
      },
    });
    // The image's own command runs (no override), with the account's config file chosen by environment.
    expect(cmd).toStrictEqual({ form: 'exec', argv: ['node', 'engine/main.ts'] });
    expect(container!.Command).toBeUndefined();
    expect(container!.EntryPoint).toBeUndefined();
    expect(container!.Environment).toStrictEqual([
      { Name: 'TRADING_CONFIG_FILE', Value: `config/${account.configFile}` },
      { Name: 'TRADING_PAGE_TOPIC_ARN', Value: importedTopicArn(shared, `Trading ${environment} P0 (page)`) },
      {
        Name: 'TRADING_NOTIFY_TOPIC_ARN',
        Value: importedTopicArn(shared, `Trading ${environment} P1 (notify)`),
      },
    ]);
    // The drain in engine/main.ts is 20 s; the stop timeout leaves room for it.
    expect(ENGINE_STOP_TIMEOUT_SECONDS).toBeGreaterThan(20);
  });

  it("injects the broker keys and the API's role tokens from Secrets Manager, never as plain values", () => {
    const [, task] = single(resources, 'AWS::ECS::TaskDefinition', 'EngineTask');
    const [container] = task.Properties.ContainerDefinitions as { Secrets: unknown; Environment: unknown }[];
    const [brokerId] = single(resources, 'AWS::SecretsManager::Secret', 'BrokerKeys');
    const tokenId = (name: string) => single(resources, 'AWS::SecretsManager::Secret', name)[0];
    expect(container!.Secrets).toStrictEqual([
      { Name: 'APCA_API_KEY_ID', ValueFrom: { 'Fn::Join': ['', [{ Ref: brokerId }, ':keyId::']] } },
      { Name: 'APCA_API_SECRET_KEY', ValueFrom: { 'Fn::Join': ['', [{ Ref: brokerId }, ':secretKey::']] } },
      { Name: 'TRADING_READ_TOKEN', ValueFrom: { Ref: tokenId('ReadToken') } },
      { Name: 'TRADING_OPERATOR_TOKEN', ValueFrom: { Ref: tokenId('OperatorToken') } },
      { Name: 'TRADING_ADMIN_TOKEN', ValueFrom: { Ref: tokenId('AdminToken') } },
    ]);
    expect(JSON.stringify(container!.Environment)).not.toMatch(/KEY|SECRET|TOKEN|PASSWORD/i);
    // The task's config reads its keys from the environment ECS fills.
    expect(system.broker.credentials).toStrictEqual({ source: 'environment' });
  });

  it('holds the Alpaca key pair and three generated API tokens (one per role) in Secrets Manager, no value in the template', () => {
    const names = accountSecretNames(account.name);
    template.resourceCountIs('AWS::SecretsManager::Secret', 4);
    // Until the operator puts the key pair, the secret holds a random placeholder the engine refuses as keys.
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: names.brokerKeys,
      SecretString: Match.absent(),
    });
    for (const name of Object.values(names.apiTokens)) {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: name,
        SecretString: Match.absent(),
        GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
      });
    }
  });

  it("gives the engine task only its own tables, queues and logs, and its environment's paging topics", () => {
    const [, task] = single(resources, 'AWS::ECS::TaskDefinition', 'EngineTask');
    const taskRole = (task.Properties.TaskRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const arn = (prefix: string) => ({
      'Fn::GetAtt': [single(resources, 'AWS::DynamoDB::GlobalTable', prefix)[0], 'Arn'],
    });
    const statements = statementsOf(resources, taskRole).map((s) => ({
      actions: actionsOf([s]),
      resource: s.Resource,
    }));
    const queueArn = (prefix: string) => ({
      'Fn::GetAtt': [single(resources, 'AWS::SQS::Queue', prefix)[0], 'Arn'],
    });
    expect(statements).toStrictEqual([
      {
        actions: [
          'dynamodb:BatchWriteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        resource: [
          arn('StoreStateTable'),
          { 'Fn::Join': ['', [arn('StoreStateTable'), '/index/working-orders']] },
        ],
      },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resource: arn('StoreLeaseTable'),
      },
      {
        actions: ['sns:Publish'],
        resource: [
          importedTopicArn(shared, `Trading ${environment} P0 (page)`),
          importedTopicArn(shared, `Trading ${environment} P1 (notify)`),
        ],
      },
      ...(system.signals === undefined
        ? []
        : [
            { actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resource: queueArn('SignalPathBars') },
            {
              actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
              resource: queueArn('SignalPathSignals'),
            },
          ]),
    ]);
    // The execution role pulls nothing from a registry here (a stand-in image) and reads exactly the
    // broker keys and the three role tokens.
    const executionRole = (task.Properties.ExecutionRoleArn as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const secretReads = statementsOf(resources, executionRole)
      .filter((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'))
      .map((s) => s.Resource);
    expect(secretReads).toStrictEqual([
      { Ref: single(resources, 'AWS::SecretsManager::Secret', 'BrokerKeys')[0] },
      { Ref: single(resources, 'AWS::SecretsManager::Secret', 'ReadToken')[0] },
      { Ref: single(resources, 'AWS::SecretsManager::Secret', 'OperatorToken')[0] },
      { Ref: single(resources, 'AWS::SecretsManager::Secret', 'AdminToken')[0] },
    ]);
  });

  it('admits only the operator API link to the engine port, and nothing from the internet', () => {
    const [engineGroup] = single(resources, 'AWS::EC2::SecurityGroup', 'EngineEngineGroup');
    const [linkGroup] = single(resources, 'AWS::EC2::SecurityGroup', 'EngineApiClients');
    const ingress = ofType(resources, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress).toStrictEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [engineGroup, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [linkGroup, 'GroupId'] },
        FromPort: system.engine.http.port,
        ToPort: system.engine.http.port,
        IpProtocol: 'tcp',
      }),
    ]);
    for (const [, group] of ofType(resources, 'AWS::EC2::SecurityGroup')) {
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    }
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 0);
  });

  it('puts the API behind HTTPS API Gateway with a VPC link, Cloud Map, an uncached token authorizer and access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const [linkId] = single(resources, 'AWS::ApiGatewayV2::VpcLink', 'OperatorAccessLink');
    const [, service] = single(resources, 'AWS::ECS::Service', 'EngineService');
    const registry = (service.Properties.ServiceRegistries as { RegistryArn: unknown }[])[0]!.RegistryArn;
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'HTTP_PROXY',
      ConnectionType: 'VPC_LINK',
      ConnectionId: { Ref: linkId },
      IntegrationUri: registry,
    });
    const [authorizerId] = single(resources, 'AWS::ApiGatewayV2::Authorizer', 'OperatorAccessApiTokens');
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerPayloadFormatVersion: '2.0',
    });
    const routes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('authorizer') },
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ACCOUNT_NAME: account.name,
          ALLOWED_CIDRS: deployment.settings.operatorAccess.allowedCidrs.join(','),
          OPERATOR_TOKEN_SECRET_ID: {
            Ref: single(resources, 'AWS::SecretsManager::Secret', 'OperatorToken')[0],
          },
          READ_TOKEN_SECRET_ID: { Ref: single(resources, 'AWS::SecretsManager::Secret', 'ReadToken')[0] },
          ADMIN_TOKEN_SECRET_ID: { Ref: single(resources, 'AWS::SecretsManager::Secret', 'AdminToken')[0] },
        }),
      },
    });
  });

  it("lets the authorizer read only the account's three token secrets", () => {
    const [, fn] = single(resources, 'AWS::Lambda::Function', 'OperatorAccessAuthorizerHandler');
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = statementsOf(resources, roleId);
    expect(actionsOf(statements)).toStrictEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:GetSecretValue',
      'secretsmanager:GetSecretValue',
    ]);
    const secrets = statements.filter((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'));
    expect(secrets.map((s) => s.Resource)).toStrictEqual([
      { Ref: single(resources, 'AWS::SecretsManager::Secret', 'ReadToken')[0] },
      { Ref: single(resources, 'AWS::SecretsManager::Secret', 'OperatorToken')[0] },
      { Ref: single(resources, 'AWS::SecretsManager::Secret', 'AdminToken')[0] },
    ]);
  });

  it('points the pre-market check and reconciliation at the API, with the read token, and outputs its URL', () => {
    const [apiId] = single(resources, 'AWS::ApiGatewayV2::Api', 'OperatorAccessApi');
    template.hasOutput(OPERATOR_API_URL_OUTPUT, { Value: { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] } });
    for (const job of ['OpsPremarketHandler', 'OpsReconcileHandler']) {
      const [, fn] = single(resources, 'AWS::Lambda::Function', job);
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        ENGINE_API_URL: { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] },
        ENGINE_API_TOKEN_SECRET_ID: { Ref: single(resources, 'AWS::SecretsManager::Secret', 'ReadToken')[0] },
      });
    }
  });

  it('runs every function on Node 24, arm64, with its own role and logs; scheduled ones with a DLQ, one run at a time', () => {
    const functions = ofType(resources, 'AWS::Lambda::Function');
    expect(functions.length).toBe(system.signals === undefined ? 6 : 7);
    for (const [id, fn] of functions) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    for (const prefix of ['Watchdog', 'OpsPremarket', 'OpsReconcile', 'OpsReport', 'OpsBackup']) {
      const [, fn] = single(resources, 'AWS::Lambda::Function', `${prefix}Handler`);
      expect(fn.Properties, prefix).toMatchObject({
        ReservedConcurrentExecutions: 1,
        DeadLetterConfig: {
          TargetArn: { 'Fn::GetAtt': [expect.stringMatching(`^${prefix}DeadLetters`), 'Arn'] },
        },
      });
    }
    // Each role is its function's own.
    const roles = new Set(functions.map(([, fn]) => JSON.stringify(fn.Properties.Role)));
    expect(roles.size).toBe(functions.length);
  });

  it('deploys every handler in functions/ (the backtest sweep sits in the environment stack)', () => {
    const handlers = readdirSync(join(REPOSITORY, 'functions'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        readdirSync(join(REPOSITORY, 'functions', entry.name))
          .filter((file) => file === 'handler.ts')
          .map((file) => join(REPOSITORY, 'functions', entry.name, file)),
      )
      .filter((file) => !file.includes('/backtest-sweep/'))
      .sort();
    expect(
      [
        ...Object.values(OPS_JOB_ENTRIES),
        WATCHDOG_ENTRY,
        SIGNAL_FUNCTION_ENTRY,
        OPERATOR_AUTHORIZER_ENTRY,
      ].sort(),
    ).toStrictEqual(handlers);
  });

  it('runs the watchdog every minute, retrying nothing, and the jobs on their New York schedules', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } }),
    });
    const zones = ofType(resources, 'AWS::Scheduler::Schedule')
      .filter(([, s]) => String(s.Properties.ScheduleExpression).startsWith('cron('))
      .map(([, s]) => s.Properties.ScheduleExpressionTimezone);
    expect(zones).toStrictEqual(Array(4).fill('America/New_York'));
  });

  it('sends P0 and P1 through two encrypted, TLS-only topics of the environment', () => {
    shared.resourceCountIs('AWS::SNS::Topic', 2);
    shared.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: `Trading ${environment} P0 (page)`,
      KmsMasterKeyId: Match.anyValue(),
    });
    shared.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: `Trading ${environment} P1 (notify)`,
      KmsMasterKeyId: Match.anyValue(),
    });
    expect(Object.keys(shared.findResources('AWS::SNS::TopicPolicy'))).toHaveLength(2);
    shared.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("lets the engine publish its own notifications to exactly the environment's page and notify topics", () => {
    const [, task] = single(resources, 'AWS::ECS::TaskDefinition', 'EngineTask');
    const taskRole = (task.Properties.TaskRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const page = importedTopicArn(shared, `Trading ${environment} P0 (page)`);
    const notify = importedTopicArn(shared, `Trading ${environment} P1 (notify)`);
    const [container] = task.Properties.ContainerDefinitions as {
      Environment: { Name: string; Value: unknown }[];
    }[];

    const publishes = statementsOf(resources, taskRole).filter((s) =>
      actionsOf([s]).some((action) => action.startsWith('sns:')),
    );
    const topicVariables = container!.Environment.filter(({ Name }) => Name.endsWith('_TOPIC_ARN'));

    expect(publishes).toStrictEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: [page, notify] }]);
    expect(topicVariables).toStrictEqual([
      { Name: 'TRADING_PAGE_TOPIC_ARN', Value: page },
      { Name: 'TRADING_NOTIFY_TOPIC_ARN', Value: notify },
    ]);
  });

  const engineAlarm = (metricName: string, statistic: string) => ({
    Namespace: 'Trading',
    MetricName: metricName,
    Dimensions: [
      { Name: 'account', Value: account.name },
      { Name: 'service', Value: 'engine' },
    ],
    ...(statistic.startsWith('p') ? { ExtendedStatistic: statistic } : { Statistic: statistic }),
  });

  it('pages on the engine: breaker, loss > 90 %, feed down > 1 min, latency, not running, lease lost', () => {
    const latency = deployment.settings.alarms.orderLatencyP99Ms;
    const expectations: [Record<string, unknown>, 'Page' | 'Notify'][] = [
      [
        {
          ...engineAlarm('CircuitBreakerOpen', 'Maximum'),
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        },
        'Page',
      ],
      [
        {
          ...engineAlarm('DailyLossPctOfLimit', 'Maximum'),
          Threshold: 90,
          ComparisonOperator: 'GreaterThanThreshold',
        },
        'Page',
      ],
      [
        {
          ...engineAlarm('DailyLossPctOfLimit', 'Maximum'),
          Threshold: 80,
          ComparisonOperator: 'GreaterThanThreshold',
        },
        'Notify',
      ],
      [{ ...engineAlarm('FeedDisconnectedSeconds', 'Maximum'), Threshold: 60, Period: 60 }, 'Page'],
      [{ ...engineAlarm('OrderLatency', 'p99'), Threshold: latency.page, Period: 300 }, 'Page'],
      [{ ...engineAlarm('OrderLatency', 'p99'), Threshold: latency.notify, Period: 300 }, 'Notify'],
      [
        {
          ...engineAlarm('EngineRunning', 'SampleCount'),
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          EvaluationPeriods: 3,
          TreatMissingData: 'breaching',
        },
        'Page',
      ],
      [{ ...engineAlarm('LeaseLost', 'Sum'), Threshold: 1 }, 'Page'],
      [
        { ...engineAlarm('WriteBehindQueueDepth', 'Maximum'), Threshold: 1000, EvaluationPeriods: 5 },
        'Notify',
      ],
    ];
    for (const [properties, severity] of expectations) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...properties,
        AlarmActions: [topic(severity)],
      });
    }
  });

  it('notifies when more than 0.5 % of orders fail, and when memory passes 80 %', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(sent > 0, 100 * FILL(failed, 0) / sent, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'sent',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'OrdersSent' }) }),
        }),
        Match.objectLike({
          Id: 'failed',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'OrdersFailed' }) }),
        }),
      ]),
      AlarmActions: [topic('Notify')],
    });
    const [serviceId] = single(resources, 'AWS::ECS::Service', 'EngineService');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ECS',
      MetricName: 'MemoryUtilization',
      Dimensions: Match.arrayWith([{ Name: 'ServiceName', Value: { 'Fn::GetAtt': [serviceId, 'Name'] } }]),
      Threshold: 80,
      AlarmActions: [topic('Notify')],
    });
  });

  it('alarms on every dead-letter queue of the account', () => {
    const deadLetterIds = new Set<string>();
    const text = JSON.stringify(resources);
    for (const match of text.matchAll(
      /"(?:deadLetterTargetArn|TargetArn|Arn)":\{"Fn::GetAtt":\["([A-Za-z0-9]+DeadLetters[A-Za-z0-9]*)","Arn"\]\}/g,
    ))
      deadLetterIds.add(match[1]!);
    const queues = ofType(resources, 'AWS::SQS::Queue').map(([id]) => id);
    expect([...deadLetterIds].sort()).toStrictEqual(queues.filter((id) => id.includes('DeadLetters')).sort());
    expect(deadLetterIds.size).toBe(system.signals === undefined ? 5 : 7);
    for (const queueId of deadLetterIds) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
      });
    }
  });

  it('draws the trading, health and performance dashboards', () => {
    const names = ofType(resources, 'AWS::CloudWatch::Dashboard').map(([, d]) => d.Properties.DashboardName);
    expect(names.sort()).toStrictEqual(
      ['health', 'performance', 'trading'].map((kind) => `Trading-${environment}-${account.name}-${kind}`),
    );
  });
});

describe('Signal path of development (the deployed config with signals)', () => {
  const account = loadEnvironmentDeployment('development').accounts[0]!;
  const signals = account.config.system.signals!;
  let template: Template;
  let resources: Record<string, Resource>;
  beforeAll(() => {
    template = synthEnvironment('development').account(account.name);
    resources = resourcesOf(template);
  });

  it('feeds the signal function from the bars queue with partial batch responses; both queues encrypted, TLS-only, with DLQs', () => {
    for (const [prefix, name] of [
      ['SignalPathBars', signals.barsQueue],
      ['SignalPathSignals', signals.signalsQueue],
    ] as const) {
      const [queueId, queue] = single(resources, 'AWS::SQS::Queue', prefix);
      expect(queue.Properties).toMatchObject({
        QueueName: name,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(`^${prefix}DeadLetters`), 'Arn'] },
          maxReceiveCount: signals.function.maxReceiveCount,
        },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
    const [barsId] = single(resources, 'AWS::SQS::Queue', 'SignalPathBars');
    const [functionId] = single(resources, 'AWS::Lambda::Function', 'SignalPathHandler');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [barsId, 'Arn'] },
      FunctionName: { Ref: functionId },
      BatchSize: signals.function.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: Math.max(2, signals.function.concurrency) },
    });
  });
});

describe('The engine image', () => {
  it('is built from the Dockerfile for arm64, with only what .dockerignore lets into the context', () => {
    mkdirSync(join(REPOSITORY, '.cache'), { recursive: true });
    const outdir = mkdtempSync(join(REPOSITORY, '.cache', 'cdk-image-'));
    try {
      const synthesized = synthEnvironment('staging', { dockerfile: true, outdir });
      const resources = resourcesOf(synthesized.account('staging-paper'));
      const [, task] = single(resources, 'AWS::ECS::TaskDefinition', 'EngineTask');
      const [container] = task.Properties.ContainerDefinitions as { Image: unknown }[];
      expect(JSON.stringify(container!.Image)).toMatch(/container-assets/);
      synthesized.app.synth();
      const manifest = JSON.parse(
        readFileSync(join(outdir, 'Trading-staging-staging-paper.assets.json'), 'utf8'),
      ) as { dockerImages: Record<string, { source: { directory: string; platform?: string } }> };
      const images = Object.values(manifest.dockerImages);
      expect(images).toHaveLength(1);
      expect(images[0]!.source.platform).toBe('linux/arm64');
      expect(readdirSync(join(outdir, images[0]!.source.directory)).sort()).toStrictEqual([
        '.dockerignore',
        'Dockerfile',
        'config',
        'engine',
        'models',
        'package-lock.json',
        'package.json',
        'shared',
      ]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('Two accounts in one environment', () => {
  let fixture: DeploymentFixture;
  beforeAll(() => {
    fixture = deploymentFixture();
  });
  afterAll(() => fixture.remove());

  it('gives each account its own stack, engine, secrets, tables, lease and alarms', () => {
    twoAccountStaging(fixture);
    const synthesized = synthEnvironment('staging', { file: fixture.file });
    expect([...synthesized.stacks.accounts.keys()]).toStrictEqual(['staging-paper', 'staging-b']);
    for (const [name, prefix] of [
      ['staging-paper', 'trading-staging'],
      ['staging-b', 'trading-staging-b'],
    ] as const) {
      const template = synthesized.account(name);
      template.resourceCountIs('AWS::ECS::Service', 1);
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: accountSecretNames(name).brokerKeys,
      });
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: `${prefix}-lease` });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'CircuitBreakerOpen',
        Dimensions: Match.arrayWith([{ Name: 'account', Value: name }]),
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ ACCOUNT_NAME: name, LEASE_TABLE_NAME: Match.anyValue() }),
        },
      });
    }
  });

  it('never changes an account or the environment when another account is added', () => {
    const deployment = shippedDeployment() as { environments: Record<string, Json> };
    fixture.writeSystem('system.staging.json', fixture.shipped('system.staging.json'));
    fixture.writeDeployment(deployment);
    const alone = synthEnvironment('staging', { file: fixture.file });
    twoAccountStaging(fixture);
    const both = synthEnvironment('staging', { file: fixture.file });
    expect(both.shared.toJSON()).toStrictEqual(alone.shared.toJSON());
    expect(both.account('staging-paper').toJSON()).toStrictEqual(alone.account('staging-paper').toJSON());
  });
});
