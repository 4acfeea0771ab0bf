/**
 * Every item of a prefix's tables, per table and sorted by key, so that two prefixes can be
 * compared with one deep equality (same items both ways, attribute for attribute).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoItem } from '../../shared/store/backup/attribute-json.ts';
import { scanTable } from '../../shared/store/backup/scan-table.ts';
import { TABLE_IDS } from '../../shared/store/create-tables.ts';
import { TABLE_DEFINITIONS, type TableId, tableNames } from '../../shared/store/table-definitions.ts';

export async function tableItems(
  client: DynamoDBClient,
  prefix: string,
): Promise<Record<TableId, DynamoItem[]>> {
  const names = tableNames(prefix);
  const result = {} as Record<TableId, DynamoItem[]>;
  for (const id of TABLE_IDS) {
    const definition = TABLE_DEFINITIONS[id];
    const key = (item: DynamoItem) =>
      [definition.partitionKey, definition.sortKey]
        .map((k) => (k ? (item[k.name]?.S ?? '') : ''))
        .join('\u0000');
    result[id] = (await scanTable(client, names[id])).sort((a, b) => key(a).localeCompare(key(b)));
  }
  return result;
}
