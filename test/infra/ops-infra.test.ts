import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledConfigFor, configCommandHooks } from '../../infra/bundled-config.ts';
import { checkEngineApiUrl } from '../../infra/ops-jobs.ts';
import { TradingStack } from '../../infra/trading-stack.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { OPS_METRICS } from '../../shared/ops/ops-metrics.ts';
import type { OpsJob } from '../../shared/ops/ops-report.ts';
import { OPS_SCHEDULES, OPS_TIME_ZONE } from '../../shared/ops/ops-schedules.ts';
import { ScheduleExpression } from '../../shared/ops/schedule-expression.ts';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
};

const persistence = {
  tablePrefix: 'trading-test',
  accountName: 'test-live',
  tradingUrl: 'https://api.alpaca.markets',
};
/** The jobs TradingStack deploys (all of OPS_SCHEDULES once every handler exists). */
const JOBS: readonly OpsJob[] = ['premarket', 'reconcile'];
const logicalId = (job: OpsJob) => job[0]!.toUpperCase() + job.slice(1);

describe('Construct: OpsJobs, OpsBuckets and TableBackupPlan in TradingStack', () => {
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    // Templates only; store-infra.test.ts loads the bundles.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new TradingStack(app, 'Test', {
      environment: 'production',
      brokerSecretName: 'trading/alpaca/live',
      engineApiUrl: 'https://engine.internal.example:8443',
      persistence,
    });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  function single(type: string, idPrefix: string): [string, Resource] {
    const found = ofType(type).filter(([id]) => id.startsWith(idPrefix));
    expect(found, `${type} ${idPrefix}*`).toHaveLength(1);
    return found[0]!;
  }
  const handlerOf = (job: OpsJob) => single('AWS::Lambda::Function', `Ops${logicalId(job)}Handler`);
  const scheduleOf = (job: OpsJob) => single('AWS::Scheduler::Schedule', `Ops${logicalId(job)}Schedule`);

  it.each(JOBS)('runs %s on Node 24 arm64, one run at a time, with a dead-letter queue', (job) => {
    const [, fn] = handlerOf(job);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [expect.stringMatching(`^Ops${logicalId(job)}DeadLetters`), 'Arn'] },
      },
    });
    const [queueId, queue] = single('AWS::SQS::Queue', `Ops${logicalId(job)}DeadLetters`);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('sets the asynchronous retries and event age on the alias the schedule invokes', () => {
    const expected: Partial<Record<OpsJob, [number, number]>> = {
      premarket: [2, 20 * 60],
      reconcile: [0, 4 * 60],
    };
    for (const job of JOBS) {
      const [aliasId] = single('AWS::Lambda::Alias', `Ops${logicalId(job)}Live`);
      const [, config] = single('AWS::Lambda::EventInvokeConfig', `Ops${logicalId(job)}Live`);
      const [retries, age] = expected[job]!;
      expect(config.Properties).toMatchObject({
        MaximumRetryAttempts: retries,
        MaximumEventAgeInSeconds: age,
        Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', { Ref: aliasId }] }] },
      });
      const [, schedule] = scheduleOf(job);
      expect(schedule.Properties.Target).toMatchObject({
        Arn: { Ref: aliasId },
        RetryPolicy: { MaximumRetryAttempts: retries, MaximumEventAgeInSeconds: age },
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [expect.stringMatching(`^Ops${logicalId(job)}DeadLetters`), 'Arn'] },
        },
      });
    }
  });

  it.each(JOBS)('schedules %s on its OPS_SCHEDULES expression in New York time with the ops event', (job) => {
    const [, schedule] = scheduleOf(job);
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: OPS_SCHEDULES[job].expression,
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    const target = schedule.Properties.Target as { Input: string };
    expect(JSON.parse(target.Input)).toStrictEqual({
      job,
      trigger: 'schedule',
      scheduledTime: '<aws.scheduler.scheduled-time>',
      executionId: '<aws.scheduler.execution-id>',
    });
  });

  /** The synthesized schedule, evaluated as EventBridge Scheduler would. */
  function synthesized(job: OpsJob): ScheduleExpression {
    const [, schedule] = scheduleOf(job);
    const { ScheduleExpression: expression, ScheduleExpressionTimezone: zone } = schedule.Properties as {
      ScheduleExpression: string;
      ScheduleExpressionTimezone: string;
    };
    expect(zone).toBe(OPS_TIME_ZONE);
    return new ScheduleExpression(expression, zone);
  }
  const firingsOn = (schedule: ScheduleExpression, day: string) => {
    const start = Date.parse(`${day}T00:00:00Z`);
    return schedule
      .nextFirings(start, 400)
      .filter((at) => at < start + 86_400_000)
      .map((at) => new Date(at).toISOString());
  };

  it('fires the synthesized pre-market check at 09:00 New York on both sides of each DST change', () => {
    const premarket = synthesized('premarket');
    // 2026-03-08 (Sunday) EST → EDT; 2026-11-01 (Sunday) EDT → EST.
    expect(firingsOn(premarket, '2026-03-06')).toStrictEqual(['2026-03-06T14:00:00.000Z']);
    expect(firingsOn(premarket, '2026-03-08')).toStrictEqual([]);
    expect(firingsOn(premarket, '2026-03-09')).toStrictEqual(['2026-03-09T13:00:00.000Z']);
    expect(firingsOn(premarket, '2026-10-30')).toStrictEqual(['2026-10-30T13:00:00.000Z']);
    expect(firingsOn(premarket, '2026-11-01')).toStrictEqual([]);
    expect(firingsOn(premarket, '2026-11-02')).toStrictEqual(['2026-11-02T14:00:00.000Z']);
  });

  it('fires the synthesized post-market report at 16:15 New York (and 13:15 for half days) across DST', () => {
    const report = new ScheduleExpression(OPS_SCHEDULES.report.expression, OPS_TIME_ZONE);
    const [, schedule] = JOBS.includes('report') ? scheduleOf('report') : [undefined, undefined];
    const checked = schedule === undefined ? report : synthesized('report');
    expect(firingsOn(checked, '2026-03-06')).toStrictEqual([
      '2026-03-06T18:15:00.000Z',
      '2026-03-06T21:15:00.000Z',
    ]);
    expect(firingsOn(checked, '2026-03-09')).toStrictEqual([
      '2026-03-09T17:15:00.000Z',
      '2026-03-09T20:15:00.000Z',
    ]);
    expect(firingsOn(checked, '2026-10-30')).toStrictEqual([
      '2026-10-30T17:15:00.000Z',
      '2026-10-30T20:15:00.000Z',
    ]);
    expect(firingsOn(checked, '2026-11-02')).toStrictEqual([
      '2026-11-02T18:15:00.000Z',
      '2026-11-02T21:15:00.000Z',
    ]);
  });

  it('runs the synthesized reconciliation every 5 minutes from 09:00 to 16:55 New York on weekdays', () => {
    const firings = firingsOn(synthesized('reconcile'), '2026-11-02');
    expect(firings).toHaveLength(8 * 12);
    expect(firings[0]).toBe('2026-11-02T14:00:00.000Z');
    expect(firings.at(-1)).toBe('2026-11-02T21:55:00.000Z');
  });

  it.each(JOBS)('pages on-call when %s fails, errors or gives up a run', (job) => {
    const [functionId] = handlerOf(job);
    const page = [{ Ref: Match.stringLikeRegexp('^OnCallTopic') }];
    const metrics = [
      OPS_METRICS.jobFailed(job),
      ...(job === 'reconcile' ? ['ReconciliationDifferences'] : []),
    ];
    for (const metricName of metrics) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Trading',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: job }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: page,
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Threshold: 1,
      AlarmActions: page,
    });
    const [queueId] = single('AWS::SQS::Queue', `Ops${logicalId(job)}DeadLetters`);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      AlarmActions: page,
    });
  });

  it('names the PremarketFailed, ReconcileFailed, ReportFailed and BackupFailed metrics as the alarms expect', () => {
    expect(
      (['premarket', 'reconcile', 'report', 'backup'] as const).map(OPS_METRICS.jobFailed),
    ).toStrictEqual(['PremarketFailed', 'ReconcileFailed', 'ReportFailed', 'BackupFailed']);
  });

  it('passes each job the environment its handler reads', () => {
    const variables = (job: OpsJob) =>
      (handlerOf(job)[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const ref = (type: string, prefix: string) => ({ Ref: single(type, prefix)[0] });
    const common = (job: OpsJob) => ({
      ACCOUNT_NAME: 'test-live',
      STATE_TABLE_NAME: ref('AWS::DynamoDB::GlobalTable', 'StoreStateTable'),
      TRADING_URL: 'https://api.alpaca.markets',
      BROKER_SECRET_ID: ref('AWS::SecretsManager::Secret', 'BrokerKeys'),
      ENGINE_API_URL: 'https://engine.internal.example:8443',
      POWERTOOLS_SERVICE_NAME: job,
      POWERTOOLS_METRICS_NAMESPACE: 'Trading',
    });
    expect(variables('premarket')).toStrictEqual({
      ...common('premarket'),
      LEASE_TABLE_NAME: ref('AWS::DynamoDB::GlobalTable', 'StoreLeaseTable'),
      CONFIG_FILE: '/var/task/config/system.production.json',
    });
    expect(variables('reconcile')).toStrictEqual({ ...common('reconcile'), CONFIRM_AFTER_MS: '5000' });
  });

  /** Every statement of a role: its inline policies and the policies attached to it. */
  function statementsOf(roleId: string): { Action: string | string[]; Resource: unknown }[] {
    const inline = (resources[roleId]!.Properties.Policies ?? []) as {
      PolicyDocument: { Statement: never[] };
    }[];
    const attached = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .map(([, p]) => p.Properties as { PolicyDocument: { Statement: never[] } });
    return [...inline, ...attached].flatMap((policy) => policy.PolicyDocument.Statement);
  }
  const actions = (statements: { Action: string | string[] }[]) =>
    statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

  it('grants no wildcard action or resource to any role', () => {
    for (const [roleId] of ofType('AWS::IAM::Role')) {
      for (const statement of statementsOf(roleId)) {
        for (const action of actions([statement])) expect(action, roleId).not.toMatch(/\*/);
        expect(JSON.stringify(statement.Resource), roleId).not.toMatch(/"\*"|:\*"/);
      }
    }
  });

  it('lets each job make only its own calls on its own tables and indexes', () => {
    const roleOf = (job: OpsJob) => single('AWS::IAM::Role', `Ops${logicalId(job)}Role`)[0];
    const state = single('AWS::DynamoDB::GlobalTable', 'StoreStateTable')[0];
    const lease = single('AWS::DynamoDB::GlobalTable', 'StoreLeaseTable')[0];
    const dynamo = (job: OpsJob) =>
      statementsOf(roleOf(job))
        .filter((s) => actions([s]).some((a) => a.startsWith('dynamodb:')))
        .map((s) => ({ actions: actions([s]), resource: s.Resource }));
    const arn = (table: string) => ({ 'Fn::GetAtt': [table, 'Arn'] });
    expect(dynamo('premarket')).toStrictEqual([
      { actions: ['dynamodb:PutItem'], resource: arn(state) },
      { actions: ['dynamodb:GetItem'], resource: arn(lease) },
    ]);
    expect(dynamo('reconcile')).toStrictEqual([
      { actions: ['dynamodb:PutItem'], resource: arn(state) },
      {
        actions: ['dynamodb:Query'],
        resource: [arn(state), { 'Fn::Join': ['', [arn(state), '/index/working-orders']] }],
      },
    ]);
    for (const job of JOBS) {
      expect(actions(statementsOf(roleOf(job))).filter((a) => !a.startsWith('dynamodb:'))).toStrictEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'sqs:SendMessage',
      ]);
    }
  });

  it('backs up the state, lease and idempotency tables every 6 hours, kept 30 days, PITR staying on', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({ ScheduleExpression: 'cron(0 0/6 * * ? *)', Lifecycle: { DeleteAfterDays: 30 } }),
        ],
      },
    });
    const arn = (prefix: string) => ({
      'Fn::GetAtt': [single('AWS::DynamoDB::GlobalTable', prefix)[0], 'Arn'],
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        Resources: [arn('StoreStateTable'), arn('StoreLeaseTable'), arn('StoreIdempotencyTable')],
      },
    });
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    for (const [, table] of ofType('AWS::DynamoDB::GlobalTable')) {
      expect(table.Properties.Replicas).toStrictEqual([
        expect.objectContaining({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ]);
    }
  });

  it('keeps reports 400 days and config snapshots 90, in private, encrypted, TLS-only, retained buckets', () => {
    const expiration = (prefix: string) => {
      const [id, bucket] = single('AWS::S3::Bucket', prefix);
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      const rules = (bucket.Properties.LifecycleConfiguration as { Rules: { ExpirationInDays?: number }[] })
        .Rules;
      return rules.map((rule) => rule.ExpirationInDays);
    };
    expect(expiration('OpsBucketsReports')).toStrictEqual([400]);
    expect(expiration('OpsBucketsConfigSnapshots')).toStrictEqual([90]);
  });
});

describe('Function: checkEngineApiUrl', () => {
  it('accepts https anywhere and http on loopback only', () => {
    expect(checkEngineApiUrl('https://engine.internal.example:8443')).toBe(
      'https://engine.internal.example:8443',
    );
    expect(checkEngineApiUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(checkEngineApiUrl('http://localhost:8080')).toBe('http://localhost:8080');
    expect(() => checkEngineApiUrl('http://engine.internal.example:8080')).toThrow(/must be https/);
    expect(() => checkEngineApiUrl('engine:8080')).toThrow();
  });
});

describe('Function: configCommandHooks', () => {
  it('copies the config, and the models model-driven strategies name, so loadConfig accepts the copy', () => {
    const config = bundledConfigFor('development');
    expect(config.directories).toStrictEqual(['models/xgboost-direction-5m']);
    const repository = fileURLToPath(new URL('../..', import.meta.url));
    const output = mkdtempSync(join(tmpdir(), 'bundle-'));
    try {
      for (const command of configCommandHooks(config).afterBundling(repository, output)) {
        execSync(command, { stdio: 'pipe' });
      }
      const loaded = loadConfig({ systemFile: join(output, config.systemFile), env: {} });
      expect(loaded.models.size).toBe(1);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  });

  it('bundles no models where no strategy needs one', () => {
    expect(bundledConfigFor('production')).toStrictEqual({
      systemFile: 'config/system.production.json',
      directory: 'config',
      files: ['config/system.production.json', 'config/risk_limits.toml', 'config/fees.toml'],
      directories: [],
    });
  });
});
