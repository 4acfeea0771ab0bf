import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledConfigFor, configCommandHooks } from '../../infra/bundled-config.ts';
import { OpsBuckets } from '../../infra/ops-buckets.ts';
import { checkEngineApiUrl, OpsJobs } from '../../infra/ops-jobs.ts';
import { PagingTopics } from '../../infra/paging-topics.ts';
import { StoreTables } from '../../infra/store-tables.ts';
import { TableBackupPlan } from '../../infra/table-backup-plan.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { OPS_METRICS } from '../../shared/ops/ops-metrics.ts';
import { OPS_JOBS, type OpsJob } from '../../shared/ops/ops-report.ts';
import { OPS_SCHEDULES, OPS_TIME_ZONE } from '../../shared/ops/ops-schedules.ts';
import { ScheduleExpression } from '../../shared/ops/schedule-expression.ts';
import { type Resource, synthEnvironment } from '../support/infra-stacks.ts';

const persistence = {
  tablePrefix: 'trading-test',
  accountName: 'test-live',
  tradingUrl: 'https://api.alpaca.markets',
};
const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const configFile = (name: string) => join(REPOSITORY, 'config', name);
const JOBS = OPS_JOBS;
const SERVICE: Record<OpsJob, string> = {
  premarket: 'premarket',
  reconcile: 'reconcile',
  report: 'post-market-report',
  backup: 'backup',
};
const logicalId = (job: OpsJob) => job[0]!.toUpperCase() + job.slice(1);

describe('Construct: OpsJobs (every job), OpsBuckets and TableBackupPlan', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  let stackTemplate: Template;

  beforeAll(() => {
    // Templates only; store-infra.test.ts loads the bundles.
    const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    // The ops constructs as TradingStack wires them, with nothing else around them.
    const stack = new Stack(noBundling(), 'Test');
    const brokerKeys = new Secret(stack, 'BrokerKeys');
    const paging = new PagingTopics(stack, 'Paging', { environment: 'production' });
    const store = new StoreTables(stack, 'Store', { tablePrefix: persistence.tablePrefix });
    const buckets = new OpsBuckets(stack, 'OpsBuckets');
    new TableBackupPlan(stack, 'TableBackups', { tables: [store.state, store.lease, store.idempotency] });
    new OpsJobs(stack, 'Ops', {
      bundledConfig: bundledConfigFor(configFile('system.production.json')),
      stateTable: store.state,
      leaseTable: store.lease,
      brokerKeys,
      paging,
      accountName: persistence.accountName,
      tradingUrl: persistence.tradingUrl,
      engineApiUrl: 'https://engine.internal.example:8443',
      reportsBucket: buckets.reports,
      configSnapshotsBucket: buckets.configSnapshots,
    });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
    // And as an account's stack deploys them, with everything else around them.
    stackTemplate = synthEnvironment('production').account('production-live');
  });

  it('deploys every job in the account stack, with the tables backup and the buckets', () => {
    const schedules = Object.values(stackTemplate.findResources('AWS::Scheduler::Schedule')).map(
      (r) => (r as Resource).Properties.ScheduleExpression,
    );
    expect(schedules.sort()).toStrictEqual(
      ['rate(1 minute)', ...JOBS.map((job) => OPS_SCHEDULES[job].expression)].sort(),
    );
    stackTemplate.resourceCountIs('AWS::Backup::BackupPlan', 1);
    stackTemplate.resourceCountIs('AWS::S3::Bucket', 2);
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
    const expected: Record<OpsJob, [number, number]> = {
      premarket: [2, 20 * 60],
      reconcile: [0, 4 * 60],
      report: [2, 60 * 60],
      backup: [2, 2 * 60 * 60],
    };
    for (const job of JOBS) {
      const [aliasId] = single('AWS::Lambda::Alias', `Ops${logicalId(job)}Live`);
      const [, config] = single('AWS::Lambda::EventInvokeConfig', `Ops${logicalId(job)}Live`);
      const [retries, age] = expected[job];
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
    const checked = synthesized('report');
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

  const SEVERITY: Record<OpsJob, 'Page' | 'Notify'> = {
    premarket: 'Page',
    reconcile: 'Page',
    report: 'Notify',
    backup: 'Notify',
  };
  it.each(JOBS)('alerts on-call (P0 or P1) when %s fails, errors or gives up a run', (job) => {
    const [functionId] = handlerOf(job);
    const page = [{ Ref: Match.stringLikeRegexp(`^Paging${SEVERITY[job]}`) }];
    const metrics = [
      OPS_METRICS.jobFailed(job),
      ...(job === 'reconcile' ? ['ReconciliationDifferences'] : []),
    ];
    for (const metricName of metrics) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Trading',
        MetricName: metricName,
        Dimensions: [
          { Name: 'account', Value: 'test-live' },
          { Name: 'service', Value: SERVICE[job] },
        ],
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
      POWERTOOLS_SERVICE_NAME: SERVICE[job],
      POWERTOOLS_METRICS_NAMESPACE: 'Trading',
    });
    const engine = { ENGINE_API_URL: 'https://engine.internal.example:8443' };
    expect(variables('premarket')).toStrictEqual({
      ...common('premarket'),
      ...engine,
      LEASE_TABLE_NAME: ref('AWS::DynamoDB::GlobalTable', 'StoreLeaseTable'),
      CONFIG_FILE: '/var/task/config/system.production.json',
    });
    expect(variables('reconcile')).toStrictEqual({
      ...common('reconcile'),
      ...engine,
      CONFIRM_AFTER_MS: '5000',
    });
    expect(variables('report')).toStrictEqual({
      ...common('report'),
      REPORT_BUCKET: ref('AWS::S3::Bucket', 'OpsBucketsReports'),
      FEES_FILE: '/var/task/config/fees.toml',
    });
    expect(variables('backup')).toStrictEqual({
      ACCOUNT_NAME: 'test-live',
      STATE_TABLE_NAME: ref('AWS::DynamoDB::GlobalTable', 'StoreStateTable'),
      CONFIG_BUCKET: ref('AWS::S3::Bucket', 'OpsBucketsConfigSnapshots'),
      CONFIG_DIR: '/var/task/config',
      POWERTOOLS_SERVICE_NAME: 'backup',
      POWERTOOLS_METRICS_NAMESPACE: 'Trading',
    });
  });

  /** Every statement of a role: its inline policies and the policies attached to it. */
  function statementsOf(
    roleId: string,
    all: Record<string, Resource> = resources,
  ): { Action: string | string[]; Resource: unknown }[] {
    const inline = (all[roleId]!.Properties.Policies ?? []) as {
      PolicyDocument: { Statement: never[] };
    }[];
    const attached = Object.entries(all)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .map(([, p]) => p.Properties as { PolicyDocument: { Statement: never[] } });
    return [...inline, ...attached].flatMap((policy) => policy.PolicyDocument.Statement);
  }
  const actions = (statements: { Action: string | string[] }[]) =>
    statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

  it('grants no wildcard action or resource to any role', () => {
    const stackResources = stackTemplate.toJSON().Resources as Record<string, Resource>;
    const roles = [resources, stackResources].flatMap((all) =>
      Object.entries(all)
        .filter(([, r]) => r.Type === 'AWS::IAM::Role')
        .map(([roleId]) => [roleId, all] as const),
    );
    expect(roles.length).toBeGreaterThan(10);
    for (const [roleId, all] of roles) {
      for (const statement of statementsOf(roleId, all)) {
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
    expect(dynamo('report')).toStrictEqual([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], resource: arn(state) },
    ]);
    expect(dynamo('backup')).toStrictEqual([{ actions: ['dynamodb:PutItem'], resource: arn(state) }]);
    const others = (job: OpsJob) =>
      actions(statementsOf(roleOf(job))).filter((a) => !a.startsWith('dynamodb:'));
    const base = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'];
    const secrets = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
    for (const job of ['premarket', 'reconcile'] as const) {
      expect(others(job)).toStrictEqual([...base, ...secrets].sort());
    }
    expect(others('report')).toStrictEqual([...base, 's3:PutObject', ...secrets].sort());
    expect(others('backup')).toStrictEqual([...base, 's3:PutObject'].sort());
  });

  it('lets the report and the backup write only under their own bucket prefixes', () => {
    const objects = (job: OpsJob) =>
      statementsOf(single('AWS::IAM::Role', `Ops${logicalId(job)}Role`)[0])
        .filter((s) => actions([s]).includes('s3:PutObject'))
        .map((s) => s.Resource);
    const under = (bucketPrefix: string, prefix: string) => [
      {
        'Fn::Join': [
          '',
          [{ 'Fn::GetAtt': [single('AWS::S3::Bucket', bucketPrefix)[0], 'Arn'] }, `/${prefix}*`],
        ],
      },
    ];
    expect(objects('report')).toStrictEqual(under('OpsBucketsReports', 'reports/'));
    expect(objects('backup')).toStrictEqual(under('OpsBucketsConfigSnapshots', 'config/'));
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
    const config = bundledConfigFor(configFile('system.json'));
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
    expect(bundledConfigFor(configFile('system.production.json'))).toStrictEqual({
      systemFile: 'config/system.production.json',
      directory: 'config',
      files: ['config/system.production.json', 'config/risk_limits.toml', 'config/fees.toml'],
      directories: [],
    });
  });
});
