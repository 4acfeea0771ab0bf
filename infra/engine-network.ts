/**
 * Where the engines of an environment run: a VPC with public subnets in two zones and no NAT
 * gateway. Each engine task gets a public address for its own egress to Alpaca (REST and
 * WebSockets), AWS APIs and the container registry; its security group admits nothing from the
 * internet (only the operator API's VPC link), so the address is an exit, not an entrance. That
 * costs one public IPv4 address per task instead of a NAT gateway per zone (docs/deployment.md
 * compares them). DynamoDB, the engine's busiest AWS dependency, is reached through a gateway
 * endpoint, which is free and keeps the write-behind traffic off the internet.
 *
 * Flow logs record rejected traffic, the evidence on-call needs when something knocks on a task.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NamespaceType } from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';

export interface EngineNetworkProps {
  /** The private DNS namespace the engines register in, for the operator API's VPC links. */
  readonly namespaceName: string;
}

export class EngineNetwork extends Construct {
  readonly vpc: Vpc;
  readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: EngineNetworkProps) {
    super(scope, id);
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      // Leaving the default group alone avoids a custom-resource Lambda; nothing uses that group.
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: {
        Rejected: {
          destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: FlowLogTrafficType.REJECT,
        },
      },
    });
    this.cluster = new Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ContainerInsights.DISABLED,
      defaultCloudMapNamespace: { name: props.namespaceName, type: NamespaceType.DNS_PRIVATE, vpc: this.vpc },
    });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        "One task per account: the engine's own EMF heartbeat, memory and CPU from AWS/ECS, and its alarms cover what Container Insights would, without its per-metric cost.",
    });
  }
}
