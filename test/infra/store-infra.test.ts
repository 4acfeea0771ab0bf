import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, loadFeeRates } from '../../shared/config/load-config.ts';
import { configFilesIn } from '../../shared/ops/config-snapshot.ts';
import { createTableInput } from '../../shared/store/create-tables.ts';
import { TABLE_DEFINITIONS, type TableId, tableNames } from '../../shared/store/table-definitions.ts';
import { type Resource, synthEnvironment } from '../support/infra-stacks.ts';

const persistence = {
  tablePrefix: 'trading-dev',
  accountName: 'dev-paper',
  tradingUrl: 'https://paper-api.alpaca.markets',
};

function byName<T extends { AttributeName?: string; IndexName?: string }>(
  list: readonly T[] | undefined,
): T[] {
  return [...(list ?? [])].sort((a, b) =>
    String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)),
  );
}

describe('Construct: StoreTables and WatchdogFunction in the development account stack, bundled', () => {
  // Synthesised inside the repository so the bundled handler can resolve the AWS SDK from node_modules,
  // as the Lambda runtime provides it.
  const cacheRoot = join(import.meta.dirname, '../../.cache');
  let outdir: string;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    mkdirSync(cacheRoot, { recursive: true });
    outdir = mkdtempSync(join(cacheRoot, 'cdk-test-'));
    template = synthEnvironment('development', { bundling: true, outdir }).account(persistence.accountName);
    resources = template.toJSON().Resources as Record<string, Resource>;
  }, 180_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  function tableResource(tableId: TableId): Record<string, unknown> {
    const name = tableNames(persistence.tablePrefix)[tableId];
    const found = Object.values(resources).find(
      (r) => r.Type === 'AWS::DynamoDB::GlobalTable' && r.Properties.TableName === name,
    );
    if (found === undefined) throw new Error(`no table ${name} in the template`);
    return found.Properties;
  }

  it.each(Object.keys(TABLE_DEFINITIONS) as TableId[])(
    'builds the %s table with exactly the key schema and indexes the local server creates',
    (tableId) => {
      const local = createTableInput(
        TABLE_DEFINITIONS[tableId],
        tableNames(persistence.tablePrefix)[tableId],
      );
      const cloud = tableResource(tableId);
      expect(cloud.KeySchema).toStrictEqual(local.KeySchema);
      expect(byName(cloud.AttributeDefinitions as { AttributeName: string }[])).toStrictEqual(
        byName(local.AttributeDefinitions),
      );
      const cloudIndexes = byName(
        cloud.GlobalSecondaryIndexes as
          | { IndexName: string; KeySchema: unknown; Projection: unknown }[]
          | undefined,
      ).map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }));
      expect(cloudIndexes).toStrictEqual(byName(local.GlobalSecondaryIndexes));
      const ttl = TABLE_DEFINITIONS[tableId].timeToLiveAttribute;
      expect(cloud.TimeToLiveSpecification).toStrictEqual(
        ttl === undefined ? undefined : { AttributeName: ttl, Enabled: true },
      );
    },
  );

  it('keeps the tables: point-in-time recovery on, deletion protection on, retained on stack delete', () => {
    for (const tableId of Object.keys(TABLE_DEFINITIONS) as TableId[]) {
      const table = tableResource(tableId);
      expect(table.Replicas).toStrictEqual([
        expect.objectContaining({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ]);
    }
    template.allResources('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('runs the watchdog on Node 24 every minute, against the lease table and the broker keys', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({
          ACCOUNT_NAME: persistence.accountName,
          TRADING_URL: 'https://paper-api.alpaca.markets',
          LEASE_TABLE_NAME: Match.anyValue(),
          BROKER_SECRET_ID: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
    });
  });

  it('lets the watchdog touch only the lease table, and only with the three calls it makes', () => {
    const roles = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Role' && String(r.Properties.Description ?? '').startsWith('Watchdog'),
    );
    expect(roles).toHaveLength(1);
    const statements = JSON.stringify(roles[0]?.Properties.Policies);
    expect(statements).toContain('"dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem"');
    expect(statements).not.toMatch(/dynamodb:(Scan|Query|DeleteItem|BatchWriteItem)/);
    const stateTableId = Object.entries(resources).find(
      ([, r]) => r.Properties.TableName === tableNames(persistence.tablePrefix).state,
    )?.[0];
    expect(statements).not.toContain(String(stateTableId));
  });

  it('pages on-call when a lease lapses (P0) or the cancel fails', () => {
    for (const metricName of ['EngineLeaseLapsed', 'WatchdogCancelFailures']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Trading',
        MetricName: metricName,
        Dimensions: [
          { Name: 'account', Value: persistence.accountName },
          { Name: 'service', Value: 'watchdog' },
        ],
        Threshold: 1,
        AlarmActions: [Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('PagingPage') })],
      });
    }
  });

  /** Each bundled function: its asset folder and its environment, tokens replaced by stand-ins. */
  function bundledFunctions(): { id: string; folder: string; env: Record<string, string> }[] {
    return Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler')
      .map(([id, r]) => {
        const key = (r.Properties.Code as { S3Key: string }).S3Key;
        const folder = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
        const variables = (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        const env = Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [
            name,
            typeof value === 'string'
              ? value.replace(/^\/var\/task\//, `${folder}/`)
              : name.endsWith('_URL')
                ? `https://stand-in.example/${JSON.stringify(value).replace(/\W+/g, '-')}`
                : `stand-in-${JSON.stringify(value).replace(/\W+/g, '-')}`,
          ]),
        );
        return { id, folder, env: { AWS_REGION: 'us-east-1', ...env } };
      });
  }

  it('bundles every function as an ES module whose handler starts with the environment its construct sets', async () => {
    const functions = bundledFunctions();
    expect(functions.map((f) => f.id).join(' ')).toMatch(
      /SignalPath.*OperatorAccessAuthorizer.*Watchdog.*Premarket.*Reconcile.*Report.*Backup/,
    );
    for (const { id, folder, env } of functions) {
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      try {
        const module = (await import(pathToFileURL(join(folder, 'index.mjs')).href)) as {
          handler?: unknown;
        };
        expect(typeof module.handler, id).toBe('function');
      } finally {
        vi.unstubAllEnvs();
      }
    }
  }, 180_000);

  it('bundles the environment config with the pre-market check, where CONFIG_FILE points', () => {
    const premarket = bundledFunctions().find((f) => f.id.includes('Premarket'));
    expect(premarket?.env.CONFIG_FILE).toBe(`${premarket?.folder}/config/system.dev.json`);
    expect(readdirSync(join(premarket!.folder, 'config')).sort()).toStrictEqual([
      'fees.toml',
      'risk_limits.toml',
      'system.dev.json',
    ]);
    expect(() => loadConfig({ systemFile: premarket!.env.CONFIG_FILE!, env: {} })).not.toThrow();
  });

  it('bundles the config folder the backup snapshots and the fee schedule the report reads', () => {
    const backup = bundledFunctions().find((f) => f.id.includes('Backup'));
    expect(backup?.env.CONFIG_DIR).toBe(`${backup?.folder}/config`);
    expect(configFilesIn(backup!.env.CONFIG_DIR!).map((file) => basename(file.path))).toStrictEqual([
      'fees.toml',
      'risk_limits.toml',
      'system.dev.json',
    ]);
    const report = bundledFunctions().find((f) => f.id.includes('Report'));
    expect(report?.env.FEES_FILE).toBe(`${report?.folder}/config/fees.toml`);
    expect(() => loadFeeRates(report!.env.FEES_FILE!)).not.toThrow();
  });
});
