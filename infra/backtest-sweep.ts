/**
 * Backtest sweeps beyond one machine (issue 15): `npm run backtest -- --sweep … --aws` uploads a
 * run's files to the sweep bucket and starts this state machine, which runs one Lambda invocation
 * per grid point and then a summary table.
 *
 *   LocateRun    (Pass) the run's grid.json in this bucket, from the execution input {"runId"}
 *   GridPoints   (Distributed Map) ItemReader: the JSON array sweeps/<runId>/grid.json; each item
 *                runs the grid-point function in a child execution; MaxConcurrency at once; no
 *                failure tolerated, so one bad point fails the execution before any summary
 *   WriteSummary (Lambda) ranks every result, writes sweeps/<runId>/summary.{csv,md}
 *
 * The functions run the repository's backtest code (backtest/sweep/aws/), bundled by esbuild;
 * each role reads and writes only its keys of the layout in sweep-run-layout.ts.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  JitterType,
  JsonPath,
  LogLevel,
  Pass,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { RUN_KEY_PATTERNS, SWEEPS_PREFIX } from '../backtest/sweep/aws/sweep-run-layout.ts';
import { FUNCTION_BUNDLING } from './function-bundling.ts';
import { allow, functionRole } from './function-role.ts';

export interface BacktestSweepProps {
  /**
   * Grid points run at once (the Distributed Map's MaxConcurrency), 1 to 10,000; 40 by default.
   * Each is a Lambda invocation counted against the account's concurrency, which the trading
   * functions share: keep it well below the account's limit.
   */
  readonly maxConcurrency?: number;
}

export const SWEEP_DEFAULT_MAX_CONCURRENCY = 40;
/** Sweeps are regenerable: their files go after 90 days. */
export const SWEEP_RETENTION_DAYS = 90;
/** The stack outputs the command's flags (or environment variables) are read from. */
export const SWEEP_OUTPUTS = {
  stateMachineArn: 'SweepStateMachineArn',
  bucketName: 'SweepBucketName',
} as const;

const ENTRIES = {
  gridPoint: fileURLToPath(new URL('../functions/backtest-sweep/grid-point.ts', import.meta.url)),
  summary: fileURLToPath(new URL('../functions/backtest-sweep/summary.ts', import.meta.url)),
};

/**
 * A backtest is single-threaded: 1,769 MB is where Lambda gives a function one whole vCPU, and
 * holds a few years of minute bars of several symbols with the CSV they were read from.
 */
const GRID_POINT_MEMORY_MB = 1769;

export class BacktestSweep extends Construct {
  readonly bucket: Bucket;
  readonly stateMachine: StateMachine;
  readonly gridPointFunction: NodejsFunction;
  readonly summaryFunction: NodejsFunction;

  constructor(scope: Construct, id: string, props: BacktestSweepProps = {}) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? SWEEP_DEFAULT_MAX_CONCURRENCY;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10_000) {
      throw new RangeError(`maxConcurrency must be a whole number from 1 to 10,000, got ${maxConcurrency}`);
    }

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Kept when the stack goes: the lifecycle rule empties it.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-sweeps',
          prefix: SWEEPS_PREFIX,
          expiration: Duration.days(SWEEP_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Sweep inputs and results are regenerable and expire after 90 days; they are written only by the backtest command and the two sweep functions through their own roles (CloudTrail records who wrote), so an access-log bucket would add cost without audit value.',
    });

    const objects = (pattern: string) => this.bucket.arnForObjects(pattern);
    const environment = {
      SWEEP_BUCKET: this.bucket.bucketName,
      POWERTOOLS_SERVICE_NAME: 'backtest-sweep',
      POWERTOOLS_METRICS_NAMESPACE: 'Trading',
    };

    this.gridPointFunction = this.sweepFunction('GridPoint', {
      entry: ENTRIES.gridPoint,
      description: 'Backtest sweep: runs one grid point and writes its result',
      memorySize: GRID_POINT_MEMORY_MB,
      // Lambda's longest; a point that needs more is a sweep for a machine of its own.
      timeout: Duration.minutes(15),
      environment,
      statements: [
        allow(['s3:GetObject'], [objects(RUN_KEY_PATTERNS.job), objects(RUN_KEY_PATTERNS.data)]),
        allow(['s3:PutObject'], [objects(RUN_KEY_PATTERNS.results)]),
      ],
    });
    this.summaryFunction = this.sweepFunction('Summary', {
      entry: ENTRIES.summary,
      description: 'Backtest sweep: ranks every grid point and writes the summary table',
      memorySize: 1024,
      // Reading 100,000 results 32 at a time takes minutes.
      timeout: Duration.minutes(15),
      environment,
      statements: [
        allow(['s3:GetObject'], [objects(RUN_KEY_PATTERNS.job), objects(RUN_KEY_PATTERNS.results)]),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [RUN_KEY_PATTERNS.results] } },
        }),
        allow(
          ['s3:PutObject'],
          [objects(RUN_KEY_PATTERNS.summaryCsv), objects(RUN_KEY_PATTERNS.summaryMarkdown)],
        ),
      ],
    });

    // The ItemReader's bucket comes from the state (the Pass state sets it to this bucket), so
    // CDK adds no GetObject on the whole bucket; the role gets grid.json alone below.
    const locateRun = Pass.jsonPath(this, 'LocateRun', {
      comment: "The run's grid.json in the sweep bucket",
      parameters: {
        runId: JsonPath.stringAt('$.runId'),
        bucket: this.bucket.bucketName,
        gridKey: JsonPath.format(`${SWEEPS_PREFIX}{}/grid.json`, JsonPath.stringAt('$.runId')),
      },
    });
    const runGridPoint = LambdaInvoke.jsonPath(this, 'RunGridPoint', {
      comment: 'One grid point: the item of grid.json is the event',
      lambdaFunction: this.gridPointFunction,
      payloadResponseOnly: true,
    });
    // Throttled when the account's concurrency is spent: wait and try again, not fail the sweep.
    runGridPoint.addRetry({
      errors: ['Lambda.TooManyRequestsException'],
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 8,
      jitterStrategy: JitterType.FULL,
    });
    const gridPoints = DistributedMap.jsonPath(this, 'GridPoints', {
      comment:
        'Every point of the grid; the Map fails at the first failed point (0 % tolerated, the default)',
      itemReader: new S3JsonItemReader({
        bucketNamePath: JsonPath.stringAt('$.bucket'),
        key: JsonPath.stringAt('$.gridKey'),
      }),
      maxConcurrency,
      // Standard child executions: a point may run up to Lambda's 15 minutes (Express stops at 5).
      mapExecutionType: StateMachineType.STANDARD,
      // The results are in the bucket; the Map's own output would outgrow a state's 256 KiB.
      resultPath: JsonPath.DISCARD,
      label: 'GridPoints',
    });
    gridPoints.itemProcessor(runGridPoint);
    const writeSummary = LambdaInvoke.jsonPath(this, 'WriteSummary', {
      comment: 'Ranks every result and writes summary.csv and summary.md',
      lambdaFunction: this.summaryFunction,
      payload: TaskInput.fromObject({ runId: JsonPath.stringAt('$.runId') }),
      payloadResponseOnly: true,
    });

    const logs = new LogGroup(this, 'StateMachineLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: 'Backtest parameter sweep: one Lambda invocation per grid point, then the summary',
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(locateRun.next(gridPoints).next(writeSummary)),
      // 100,000 points of a minute each, 40 at once, take about 42 hours; two days stop a runaway.
      timeout: Duration.days(2),
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    this.stateMachine.addToRolePolicy(allow(['s3:GetObject'], [objects(RUN_KEY_PATTERNS.grid)]));

    this.acknowledgeWildcards();
    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description:
        'npm run backtest -- --sweep … --aws: --sweep-state-machine (TRADING_SWEEP_STATE_MACHINE_ARN)',
    }).overrideLogicalId(SWEEP_OUTPUTS.stateMachineArn);
    new CfnOutput(this, 'BucketName', {
      value: this.bucket.bucketName,
      description: 'npm run backtest -- --sweep … --aws: --sweep-bucket (TRADING_SWEEP_BUCKET)',
    }).overrideLogicalId(SWEEP_OUTPUTS.bucketName);
  }

  /** A function on Node 24 arm64 with a role of its own: exactly `statements` and its logs. */
  private sweepFunction(
    id: string,
    settings: {
      entry: string;
      description: string;
      memorySize: number;
      timeout: Duration;
      environment: Record<string, string>;
      statements: PolicyStatement[];
    },
  ): NodejsFunction {
    const { role, logGroup } = functionRole(this, {
      idPrefix: id,
      name: 'sweep',
      description: `${settings.description}: its keys of the sweep bucket and its logs`,
      statements: settings.statements,
    });
    return new NodejsFunction(this, id, {
      entry: settings.entry,
      handler: 'handler',
      description: settings.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      role,
      logGroup,
      environment: settings.environment,
      bundling: FUNCTION_BUNDLING,
    });
  }

  /**
   * Every wildcard the roles hold, each acknowledged for cdk-nag with why: object keys carry the
   * run id, Lambda's invoke grant covers the function's versions, and the state machine's logs and
   * traces go through APIs without resource-level permissions.
   */
  private acknowledgeWildcards(): void {
    const stack = Stack.of(this);
    const bucketArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>`;
    const objectsOf = (pattern: string) => `AwsSolutions-IAM5[Resource::${bucketArn}/${pattern}]`;
    const acknowledge = (construct: Construct, id: string, reason: string) =>
      Validations.of(construct).acknowledge({ id, reason });
    const runKeys =
      'Sweep object keys start with the run id (sweeps/<runId>/…), which the command makes up per run';
    const gridPointRole = this.gridPointFunction.role!;
    const summaryRole = this.summaryFunction.role!;
    acknowledge(
      gridPointRole,
      objectsOf(RUN_KEY_PATTERNS.job),
      `${runKeys}; the grid-point function reads job.json.`,
    );
    acknowledge(
      gridPointRole,
      objectsOf(RUN_KEY_PATTERNS.data),
      `${runKeys}; the grid-point function reads the bars.`,
    );
    acknowledge(
      gridPointRole,
      objectsOf(RUN_KEY_PATTERNS.results),
      `${runKeys}; the grid-point function writes its point's result, PutObject only.`,
    );
    acknowledge(
      summaryRole,
      objectsOf(RUN_KEY_PATTERNS.job),
      `${runKeys}; the summary function reads job.json.`,
    );
    acknowledge(
      summaryRole,
      objectsOf(RUN_KEY_PATTERNS.results),
      `${runKeys}; the summary function reads every result.`,
    );
    acknowledge(
      summaryRole,
      objectsOf(RUN_KEY_PATTERNS.summaryCsv),
      `${runKeys}; the summary function writes summary.csv, PutObject only.`,
    );
    acknowledge(
      summaryRole,
      objectsOf(RUN_KEY_PATTERNS.summaryMarkdown),
      `${runKeys}; the summary function writes summary.md, PutObject only.`,
    );
    const stateMachineRole = this.stateMachine.role;
    acknowledge(
      stateMachineRole,
      objectsOf(RUN_KEY_PATTERNS.grid),
      `${runKeys}; the Distributed Map's ItemReader reads grid.json.`,
    );
    for (const fn of [this.gridPointFunction, this.summaryFunction]) {
      const functionArn = `<${stack.getLogicalId(fn.node.defaultChild as never)}.Arn>`;
      acknowledge(
        stateMachineRole,
        `AwsSolutions-IAM5[Resource::${functionArn}:*]`,
        "CDK's Lambda invoke grant covers the function's versions and aliases (ARN:*); the state machine invokes these two functions only.",
      );
    }
    // CDK's policy for the Distributed Map's child executions: its own executions and the Map's.
    const distributedMapPolicy = this.stateMachine.node.findChild('DistributedMapPolicy');
    const stateMachineName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(this.stateMachine.node.defaultChild as never)}"}]}]}`;
    // cdk-nag spells a region the stack knows as itself, an unknown one as its pseudo parameter.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const executions = `arn:<AWS::Partition>:states:${region}:${account}:execution:${stateMachineName}`;
    acknowledge(
      distributedMapPolicy,
      `AwsSolutions-IAM5[Resource::${executions}:*]`,
      "The Distributed Map describes and stops its child executions, whose names Step Functions makes up; the grant is this state machine's executions only.",
    );
    acknowledge(
      distributedMapPolicy,
      `AwsSolutions-IAM5[Resource::${executions}/GridPoints:*]`,
      "A failed Map Run may be redriven; the grant is this state machine's GridPoints Map Runs only.",
    );
    acknowledge(
      stateMachineRole,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs delivery (logs:CreateLogDelivery, …) and X-Ray (xray:PutTraceSegments, …) grant on * only; the state machine writes its own log group and traces.',
    );
  }
}
