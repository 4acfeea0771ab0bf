/**
 * One account's engine on ECS Fargate: exactly one task. The deployment settings never run two at
 * once (minimum healthy 0 %, maximum 100 %: the old task stops before the new one starts), and the
 * DynamoDB lease still fences any overlap. The image is the repository's Dockerfile (arm64); the
 * task runs it with the account's system file, its broker keys and operator token injected by ECS
 * from Secrets Manager (never plain environment values), the environment's paging topics to publish
 * its notifications to, a read-only root filesystem, the same health check as the image, and a stop
 * timeout that covers the engine's 20 s drain of write-behind writes. The task registers in Cloud Map (SRV) for the operator API's VPC link,
 * whose security group is the only one admitted to the API port.
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IVpc, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  AwsLogDriverMode,
  ContainerImage,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  type ICluster,
  LogDriver,
  OperatingSystemFamily,
  Protocol,
} from 'aws-cdk-lib/aws-ecs';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { DnsRecordType } from 'aws-cdk-lib/aws-servicediscovery';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API_ROLES, API_TOKEN_VARIABLES, type ApiRole } from '../shared/api/api-roles.ts';
import { WORKING_ORDERS_INDEX } from '../shared/store/table-definitions.ts';
import type { PagingTopics } from './paging-topics.ts';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));

/** The image's HEALTHCHECK (command and timings), repeated here because ECS ignores the image's. */
export const ENGINE_HEALTH_CHECK_COMMAND = ['CMD', 'node', 'engine/healthcheck.ts'] as const;
/** Between SIGTERM and SIGKILL: the engine drains its writes within 20 s (engine/main.ts). */
export const ENGINE_STOP_TIMEOUT_SECONDS = 60;
export const ENGINE_CONTAINER_NAME = 'engine';

export interface EngineServiceProps {
  readonly cluster: ICluster;
  readonly vpc: IVpc;
  /** config account.name. */
  readonly accountName: string;
  /** The account's system file, from the repository root (the image's working directory). */
  readonly configFile: string;
  /** The API port of the account's config (engine.http.port). */
  readonly apiPort: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** {"keyId","secretKey"}: injected as APCA_API_KEY_ID and APCA_API_SECRET_KEY. */
  readonly brokerKeys: ISecret;
  /** The API's role tokens, injected as TRADING_READ_TOKEN, TRADING_OPERATOR_TOKEN and TRADING_ADMIN_TOKEN. */
  readonly apiTokens: Readonly<Record<ApiRole, ISecret>>;
  readonly stateTable: ITableV2;
  readonly leaseTable: ITableV2;
  /** Where the engine's own notifications go: P0 to `page`, P1 to `notify` (engine/notifications/). */
  readonly paging: PagingTopics;
  /** The signal path's queues, when the account's config has one. */
  readonly signalQueues?: { readonly bars: IQueue; readonly signals: IQueue };
  /** The image; the repository's Dockerfile by default (tests pass a registry image). */
  readonly image?: ContainerImage;
}

export class EngineService extends Construct {
  readonly service: FargateService;
  readonly taskDefinition: FargateTaskDefinition;
  readonly logGroup: LogGroup;
  /** The group the operator API's VPC link uses: the only source admitted to the API port. */
  readonly apiClients: SecurityGroup;

  constructor(scope: Construct, id: string, props: EngineServiceProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.ARM64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const allow = (actions: string[], resources: string[]) =>
      this.taskDefinition.addToTaskRolePolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions, resources }),
      );
    // The store's calls (shared/store/dynamo-store.ts) and the lease's (dynamo-lease-store.ts).
    allow(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
      ],
      [props.stateTable.tableArn, `${props.stateTable.tableArn}/index/${WORKING_ORDERS_INDEX}`],
    );
    allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [props.leaseTable.tableArn]);
    // The topics' key is AWS's managed aws/sns, whose key policy lets the account's principals use
    // it through SNS: publishing needs no KMS grant.
    allow(['sns:Publish'], [props.paging.page.topicArn, props.paging.notify.topicArn]);
    if (props.signalQueues !== undefined) {
      allow(['sqs:GetQueueUrl', 'sqs:SendMessage'], [props.signalQueues.bars.queueArn]);
      allow(
        ['sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        [props.signalQueues.signals.queueArn],
      );
    }

    this.taskDefinition.addContainer(ENGINE_CONTAINER_NAME, {
      image:
        props.image ??
        ContainerImage.fromAsset(REPOSITORY, { file: 'Dockerfile', platform: Platform.LINUX_ARM64 }),
      essential: true,
      environment: {
        TRADING_CONFIG_FILE: props.configFile,
        TRADING_PAGE_TOPIC_ARN: props.paging.page.topicArn,
        TRADING_NOTIFY_TOPIC_ARN: props.paging.notify.topicArn,
      },
      secrets: {
        APCA_API_KEY_ID: EcsSecret.fromSecretsManager(props.brokerKeys, 'keyId'),
        APCA_API_SECRET_KEY: EcsSecret.fromSecretsManager(props.brokerKeys, 'secretKey'),
        ...Object.fromEntries(
          API_ROLES.map((role) => [
            API_TOKEN_VARIABLES[role],
            EcsSecret.fromSecretsManager(props.apiTokens[role]),
          ]),
        ),
      },
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: props.apiPort, protocol: Protocol.TCP }],
      healthCheck: {
        command: [...ENGINE_HEALTH_CHECK_COMMAND],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      stopTimeout: Duration.seconds(ENGINE_STOP_TIMEOUT_SECONDS),
      logging: LogDriver.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'engine',
        // A full log buffer must never block the event loop (the hot path runs on it): lines
        // are dropped instead, which the EngineRunning heartbeat's gaps would show.
        mode: AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });

    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions (AWS requires *); the image pulls themselves are granted on the asset repository only.',
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        "The plain variables are the path of the config file inside the image and the paging topics' ARNs; the broker keys and the operator token are ECS secrets from Secrets Manager.",
    });

    this.apiClients = new SecurityGroup(this, 'ApiClients', {
      vpc: props.vpc,
      description: `Operator API VPC link of ${props.accountName}`,
      allowAllOutbound: false,
    });
    const engineGroup = new SecurityGroup(this, 'EngineGroup', {
      vpc: props.vpc,
      description: `Engine of ${props.accountName}: egress to Alpaca and AWS, ingress only from its API link`,
      allowAllOutbound: true,
    });
    // Rules as their own resources (not inline), so the two groups do not depend on each other.
    engineGroup.connections.allowFrom(
      this.apiClients,
      Port.tcp(props.apiPort),
      'operator API through the VPC link',
    );

    this.service = new FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [engineGroup],
      circuitBreaker: { enable: true, rollback: true },
      cloudMapOptions: {
        name: `engine-${props.accountName}`,
        dnsRecordType: DnsRecordType.SRV,
        dnsTtl: Duration.seconds(10),
        containerPort: props.apiPort,
      },
    });
  }
}
