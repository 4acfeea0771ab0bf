/**
 * Creates a prefix's tables (state, lease, idempotency) from TABLE_DEFINITIONS and waits until
 * each is ACTIVE: the local server creates them at start-up and a restore creates fresh ones, so
 * both build exactly the key schemas the CDK stack deploys.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import {
  keyAttributes,
  TABLE_DEFINITIONS,
  type TableDefinition,
  type TableId,
  tableNames,
} from './table-definitions.ts';

export const TABLE_IDS = Object.keys(TABLE_DEFINITIONS) as TableId[];

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

export async function listTableNames(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(
      new ListTablesCommand(start === undefined ? {} : { ExclusiveStartTableName: start }),
    );
    for (const name of page.TableNames ?? []) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  return names;
}

export interface CreateTablesOptions {
  /**
   * keep (the default): existing tables are left as they are and only missing ones created;
   * refuse: nothing is created when any of the prefix's tables exists (a restore never writes
   * into a table that holds something else).
   */
  readonly existing?: 'keep' | 'refuse';
  /** Told each table this call created, as soon as CreateTable succeeds (for cleanup advice). */
  readonly onCreated?: (tableName: string) => void;
}

export async function createTables(
  client: DynamoDBClient,
  prefix: string,
  options: CreateTablesOptions = {},
): Promise<void> {
  const names = tableNames(prefix);
  const existing = await listTableNames(client);
  const clashes = TABLE_IDS.map((id) => names[id]).filter((name) => existing.has(name));
  if (options.existing === 'refuse' && clashes.length > 0) {
    throw new Error(`table${clashes.length === 1 ? '' : 's'} ${clashes.join(', ')} already exist`);
  }
  for (const id of TABLE_IDS) {
    const name = names[id];
    if (!existing.has(name)) {
      await client.send(new CreateTableCommand(createTableInput(TABLE_DEFINITIONS[id], name)));
      options.onCreated?.(name);
    }
    await waitUntilActive(client, name);
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  // A fresh on-demand table in AWS takes seconds to a minute; dynalite is ACTIVE at once.
  for (let attempt = 0; attempt < 600; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, attempt < 50 ? 20 : 500));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
