import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TradingStack } from '../../infra/trading-stack.ts';
import { createTableInput } from '../../shared/store/create-tables.ts';
import { TABLE_DEFINITIONS, type TableId, tableNames } from '../../shared/store/table-definitions.ts';

const persistence = {
  tablePrefix: 'trading-test',
  accountName: 'test-paper',
  tradingUrl: 'https://paper-api.alpaca.markets',
};

type Resource = { Type: string; Properties: Record<string, unknown> };

function byName<T extends { AttributeName?: string; IndexName?: string }>(
  list: readonly T[] | undefined,
): T[] {
  return [...(list ?? [])].sort((a, b) =>
    String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)),
  );
}

describe('Construct: StoreTables and WatchdogFunction in TradingStack', () => {
  // Synthesised inside the repository so the bundled handler can resolve the AWS SDK from node_modules,
  // as the Lambda runtime provides it.
  const cacheRoot = join(import.meta.dirname, '../../.cache');
  let outdir: string;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    mkdirSync(cacheRoot, { recursive: true });
    outdir = mkdtempSync(join(cacheRoot, 'cdk-test-'));
    const app = new App({ outdir });
    const stack = new TradingStack(app, 'Test', {
      environment: 'staging',
      brokerSecretName: 'trading/alpaca/staging',
      persistence,
    });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
  });

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
          ACCOUNT_NAME: 'test-paper',
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
        Dimensions: [{ Name: 'service', Value: 'watchdog' }],
        Threshold: 1,
        AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('OnCallTopic') })],
      });
    }
  });

  it('bundles a handler that loads as an ES module and exports the entry point', async () => {
    const assets = readdirSync(outdir).filter((entry) => entry.startsWith('asset.'));
    const bundle = assets
      .map((asset) => join(outdir, asset, 'index.mjs'))
      .find((file) => {
        try {
          return readdirSync(join(file, '..')).includes('index.mjs');
        } catch {
          return false;
        }
      });
    expect(bundle).toBeDefined();
    const env = {
      AWS_REGION: 'us-east-1',
      ACCOUNT_NAME: 'test-paper',
      LEASE_TABLE_NAME: 'trading-test-lease',
      TRADING_URL: 'https://paper-api.alpaca.markets',
      BROKER_SECRET_ID: 'trading/alpaca/staging',
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const module = (await import(pathToFileURL(bundle!).href)) as { handler?: unknown };
    vi.unstubAllEnvs();
    expect(typeof module.handler).toBe('function');
  });
});
