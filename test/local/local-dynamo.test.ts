import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { createDocumentClient, createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { sampleOrder } from '../shared/store/store-fixtures.ts';
import { tempFolder } from '../support/temp-files.ts';

describe('Function: startLocalDynamo', () => {
  const folder = tempFolder();
  const started: LocalDynamo[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });

  afterAll(() => folder.remove());

  it('creates the state table with its working-orders index, from the shared definitions', async () => {
    const dynamo = await startLocalDynamo({ tablePrefix: 'def-test' });
    started.push(dynamo);
    const client = createDynamoClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'def-test-state' }));
    client.destroy();
    expect(Table?.KeySchema).toStrictEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toStrictEqual(['working-orders']);
  });

  it('keeps data in its folder, so a restarted server sees what was written before', async () => {
    const path = folder.path('dynamo');
    const first = await startLocalDynamo({ path, tablePrefix: 'keep-test' });
    const firstClient = createDocumentClient({ region: first.region, endpoint: first.endpoint });
    await new DynamoStore({ client: firstClient, tables: first.tables, account: 'acct' }).putOrder(
      sampleOrder(),
    );
    firstClient.destroy();
    await first.close();

    const second = await startLocalDynamo({ path, tablePrefix: 'keep-test' });
    started.push(second);
    const client = createDocumentClient({ region: second.region, endpoint: second.endpoint });
    const read = await new DynamoStore({ client, tables: second.tables, account: 'acct' }).getOrder(
      sampleOrder().clientOrderId,
    );
    client.destroy();
    expect(read).toStrictEqual({ status: 'found', value: sampleOrder() });
  });
});
