/**
 * A DynamoDB-compatible server on loopback (dynalite, in this process) with the project's tables
 * created from shared/store/table-definitions.ts. In memory by default; with `path` the data lives
 * in a LevelDB folder, so a restarted process sees what the previous one wrote.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../shared/store/dynamo-client.ts';
import {
  keyAttributes,
  TABLE_DEFINITIONS,
  type TableDefinition,
  type TableNames,
  tableNames,
} from '../shared/store/table-definitions.ts';

type Dynalite = (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface LocalDynamoOptions {
  /** LevelDB folder for data that survives restarts (e.g. .data/dynamo); in memory when absent. */
  readonly path?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Creates `${tablePrefix}-state`, `-lease` and `-idempotency`. */
  readonly tablePrefix?: string;
  readonly region?: string;
}

export interface LocalDynamo {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly tables: TableNames;
  close(): Promise<void>;
}

export const LOCAL_TABLE_PREFIX = 'trading-local';

export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  const prefix = options.tablePrefix ?? LOCAL_TABLE_PREFIX;
  const client = createDynamoClient({ region, endpoint });
  try {
    await createTables(client, prefix);
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, region, tables: tableNames(prefix), close };
}

/** The CreateTable request for a definition: on-demand, as in AWS. */
export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(definition).map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(definition.globalIndexes.length === 0
      ? {}
      : {
          GlobalSecondaryIndexes: definition.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }),
  };
}

/** Creates every missing table and waits until each is ACTIVE; existing tables are left as they are. */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<void> {
  const names = tableNames(prefix);
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(
      new ListTablesCommand(start === undefined ? {} : { ExclusiveStartTableName: start }),
    );
    for (const name of page.TableNames ?? []) existing.add(name);
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  for (const id of Object.keys(TABLE_DEFINITIONS) as (keyof typeof TABLE_DEFINITIONS)[]) {
    const name = names[id];
    if (!existing.has(name))
      await client.send(new CreateTableCommand(createTableInput(TABLE_DEFINITIONS[id], name)));
    await waitUntilActive(client, name);
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
