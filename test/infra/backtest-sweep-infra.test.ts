/**
 * The sweep's infrastructure as synthesized: the bucket, the two functions and their roles, the
 * state machine's definition (read back from the template as Step Functions will read it), its
 * logging and tracing, and the outputs the command is pointed at. One synth with the functions
 * bundled by esbuild, whose bundles are then loaded and invoked; cdk-nag in an app of its own.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BacktestSweep } from '../../infra/backtest-sweep.ts';
import { captureOutput, lambdaContext } from '../support/lambda-harness.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

/** A reference as flatten writes it: ${LogicalId} or ${LogicalId.Attribute}. */
const ref = (name: string) => ['${', name, '}'].join('');

/** A CloudFormation value as text, its references written by `ref`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return ref(object.Ref as string);
  if ('Fn::GetAtt' in object) return ref((object['Fn::GetAtt'] as string[]).join('.'));
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

describe('Construct: BacktestSweep', () => {
  // Synthesized inside the repository so the bundles resolve the AWS SDK from node_modules, as the
  // Lambda runtime provides it.
  const cacheRoot = join(import.meta.dirname, '../../.cache');
  let outdir: string;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    mkdirSync(cacheRoot, { recursive: true });
    outdir = mkdtempSync(join(cacheRoot, 'cdk-sweep-test-'));
    const stack = new Stack(new App({ outdir }), 'Test');
    new BacktestSweep(stack, 'BacktestSweep', { maxConcurrency: 25 });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  function single(type: string, idPrefix: string): [string, Resource] {
    const found = Object.entries(resources).filter(([id, r]) => r.Type === type && id.startsWith(idPrefix));
    expect(found, `${type} ${idPrefix}*`).toHaveLength(1);
    return found[0]!;
  }
  const bucketId = () => single('AWS::S3::Bucket', 'BacktestSweepBucket')[0];
  const functionId = (name: 'GridPoint' | 'Summary') =>
    single('AWS::Lambda::Function', `BacktestSweep${name}`)[0];

  /** The state machine's definition as Step Functions reads it, references written as ${…}. */
  function definition(): {
    StartAt: string;
    TimeoutSeconds: number;
    States: Record<string, Record<string, unknown>>;
  } {
    const [, machine] = single('AWS::StepFunctions::StateMachine', 'BacktestSweepStateMachine');
    return JSON.parse(flatten(machine.Properties.DefinitionString));
  }

  /** Every statement of a role: its inline policies and the policies attached to it. */
  function statementsOf(roleId: string): Statement[] {
    const inline = (resources[roleId]!.Properties.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] };
    }[];
    const attached = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .map((p) => p.Properties as { PolicyDocument: { Statement: Statement[] } });
    return [...inline, ...attached].flatMap((policy) => policy.PolicyDocument.Statement);
  }
  const roleOf = (name: 'GridPoint' | 'Summary' | 'StateMachine') =>
    single('AWS::IAM::Role', `BacktestSweep${name}Role`)[0];
  /** A role's S3 statements as `actions on resources`, bucket references made readable. */
  const s3Grants = (roleId: string) =>
    statementsOf(roleId)
      .filter((s) => [s.Action].flat().some((action) => action.startsWith('s3:')))
      .map((s) => ({
        actions: [s.Action].flat().sort(),
        resources: [s.Resource].flat().map(flatten),
        ...(s.Condition === undefined ? {} : { condition: s.Condition }),
      }));

  it('keeps the sweeps in a private, encrypted, TLS-only bucket whose files expire after 90 days', () => {
    const [id, bucket] = single('AWS::S3::Bucket', 'BacktestSweepBucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toStrictEqual({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-sweeps',
            Prefix: 'sweeps/',
            ExpirationInDays: 90,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  }, 180_000);

  it('runs both functions on Node 24 arm64 from esbuild bundles, with the bucket in their environment', () => {
    for (const [name, memory] of [
      ['GridPoint', 1769],
      ['Summary', 1024],
    ] as const) {
      expect(resources[functionId(name)]!.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: memory,
        Timeout: 900,
        Role: { 'Fn::GetAtt': [roleOf(name), 'Arn'] },
        Environment: {
          Variables: {
            SWEEP_BUCKET: { Ref: bucketId() },
            POWERTOOLS_SERVICE_NAME: 'backtest-sweep',
            POWERTOOLS_METRICS_NAMESPACE: 'Trading',
          },
        },
      });
    }
  });

  it('lets the grid-point function read job.json and the bars and write results, nothing else', () => {
    const bucket = ref(`${bucketId()}.Arn`);
    expect(s3Grants(roleOf('GridPoint'))).toStrictEqual([
      {
        actions: ['s3:GetObject'],
        resources: [`${bucket}/sweeps/*/job.json`, `${bucket}/sweeps/*/data/bars.csv`],
      },
      { actions: ['s3:PutObject'], resources: [`${bucket}/sweeps/*/results/*`] },
    ]);
    const others = statementsOf(roleOf('GridPoint'))
      .flatMap((s) => [s.Action].flat())
      .filter((a) => !a.startsWith('s3:'));
    expect(others.sort()).toStrictEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('lets the summary function read job.json and the results, list the results and write the summary', () => {
    const bucket = ref(`${bucketId()}.Arn`);
    expect(s3Grants(roleOf('Summary'))).toStrictEqual([
      {
        actions: ['s3:GetObject'],
        resources: [`${bucket}/sweeps/*/job.json`, `${bucket}/sweeps/*/results/*`],
      },
      {
        actions: ['s3:ListBucket'],
        resources: [bucket],
        condition: { StringLike: { 's3:prefix': ['sweeps/*/results/*'] } },
      },
      {
        actions: ['s3:PutObject'],
        resources: [`${bucket}/sweeps/*/summary.csv`, `${bucket}/sweeps/*/summary.md`],
      },
    ]);
    const others = statementsOf(roleOf('Summary'))
      .flatMap((s) => [s.Action].flat())
      .filter((a) => !a.startsWith('s3:'));
    expect(others.sort()).toStrictEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('reads grid.json with a Distributed Map that runs the grid-point function, then writes the summary', () => {
    const { StartAt, States, TimeoutSeconds } = definition();
    expect(StartAt).toBe('LocateRun');
    expect(TimeoutSeconds).toBe(2 * 24 * 3600);
    expect(States.LocateRun).toMatchObject({
      Type: 'Pass',
      Parameters: {
        'runId.$': '$.runId',
        bucket: ref(bucketId()),
        'gridKey.$': "States.Format('sweeps/{}/grid.json', $.runId)",
      },
      Next: 'GridPoints',
    });
    const map = States.GridPoints!;
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 25,
      ResultPath: null,
      Label: 'GridPoints',
      Next: 'WriteSummary',
      ItemReader: {
        Resource: `arn:${ref('AWS::Partition')}:states:::s3:getObject`,
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.gridKey' },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'RunGridPoint',
        States: {
          RunGridPoint: { Type: 'Task', Resource: ref(`${functionId('GridPoint')}.Arn`), End: true },
        },
      },
    });
    // 0 % is Step Functions' default tolerance (CDK does not render a 0): any failed point fails the Map.
    expect(map).not.toHaveProperty('ToleratedFailurePercentage');
    expect(map).not.toHaveProperty('ToleratedFailureCount');
    expect(map).not.toHaveProperty('ItemSelector');
    const retries = (
      map.ItemProcessor as { States: { RunGridPoint: { Retry: { ErrorEquals: string[] }[] } } }
    ).States.RunGridPoint.Retry.flatMap((retry) => retry.ErrorEquals);
    expect(retries).toContain('Lambda.TooManyRequestsException');
    expect(States.WriteSummary).toMatchObject({
      Type: 'Task',
      Resource: ref(`${functionId('Summary')}.Arn`),
      Parameters: { 'runId.$': '$.runId' },
      End: true,
    });
  });

  it('gives the state machine grid.json, its two functions and its own child executions, no more of the bucket', () => {
    const role = roleOf('StateMachine');
    const bucket = ref(`${bucketId()}.Arn`);
    expect(s3Grants(role)).toStrictEqual([
      { actions: ['s3:GetObject'], resources: [`${bucket}/sweeps/*/grid.json`] },
    ]);
    const invoked = statementsOf(role)
      .filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'))
      .flatMap((s) => [s.Resource].flat().map(flatten))
      .sort();
    expect(invoked).toStrictEqual(
      [functionId('GridPoint'), functionId('Summary')]
        .flatMap((id) => [ref(`${id}.Arn`), `${ref(`${id}.Arn`)}:*`])
        .sort(),
    );
    const states = statementsOf(role)
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('states:'));
    expect(states.sort()).toStrictEqual([
      'states:DescribeExecution',
      'states:RedriveExecution',
      'states:StartExecution',
      'states:StopExecution',
    ]);
  });

  it('logs every execution event with its data to CloudWatch Logs and traces with X-Ray', () => {
    const [logGroupId, logGroup] = single('AWS::Logs::LogGroup', 'BacktestSweepStateMachineLogs');
    expect(logGroup.Properties.RetentionInDays).toBe(90);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('outputs the state machine ARN and the bucket name the command is given', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.SweepStateMachineArn?.Value).toStrictEqual({
      Ref: single('AWS::StepFunctions::StateMachine', 'BacktestSweepStateMachine')[0],
    });
    expect(outputs.SweepBucketName?.Value).toStrictEqual({ Ref: bucketId() });
  });

  it('bundles each handler as an ES module that starts with its environment and runs the sweep code', async () => {
    for (const name of ['GridPoint', 'Summary'] as const) {
      const fn = resources[functionId(name)]!;
      const asset = (fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      vi.stubEnv('AWS_REGION', 'us-east-1');
      vi.stubEnv('SWEEP_BUCKET', 'trading-sweeps-bundle-test');
      vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
      try {
        const module = (await import(pathToFileURL(join(outdir, `asset.${asset}`, 'index.mjs')).href)) as {
          handler: (event: unknown, context: unknown) => Promise<unknown>;
        };
        // An event the state machine never sends is refused before any call to S3.
        const { result: failure } = await captureOutput(() =>
          module.handler({ runId: 'nope' }, lambdaContext(name)).catch((error: Error) => error),
        );
        expect(failure, name).toMatchObject({ name: 'SweepEventError' });
      } finally {
        vi.unstubAllEnvs();
      }
    }
  }, 180_000);
});

describe('Construct: BacktestSweep props', () => {
  it('runs 40 points at once by default and refuses a concurrency Step Functions would not take', () => {
    const stack = new Stack(noBundling(), 'Test');
    new BacktestSweep(stack, 'BacktestSweep');
    const machine = Object.values(
      Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'),
    )[0];
    expect(JSON.stringify(machine)).toContain('\\"MaxConcurrency\\":40');
    for (const maxConcurrency of [0, 2.5, 10_001]) {
      expect(
        () => new BacktestSweep(new Stack(noBundling(), 'Other'), 'BacktestSweep', { maxConcurrency }),
      ).toThrow(`maxConcurrency must be a whole number from 1 to 10,000, got ${maxConcurrency}`);
    }
  });
});

describe('Construct: BacktestSweep under cdk-nag', () => {
  it('passes the AWS Solutions checks with every exception acknowledged', () => {
    const app = noBundling();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new BacktestSweep(new Stack(app, 'Test'), 'BacktestSweep');
    expect(() => app.synth()).not.toThrow();
  });
});
