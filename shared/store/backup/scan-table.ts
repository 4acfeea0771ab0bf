/**
 * Every item of one table, page by page (Scan returns at most 1 MB a page). Consistent reads, so
 * a backup taken after the engine stopped holds every write the engine made.
 */
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoItem } from './attribute-json.ts';

export async function scanTable(client: DynamoDBClient, tableName: string): Promise<DynamoItem[]> {
  const items: DynamoItem[] = [];
  let start: DynamoItem | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
