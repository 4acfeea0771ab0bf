/**
 * Restores a checked backup (read-backup-file.ts) into fresh tables under a new prefix: refuses
 * when any of the prefix's tables exists, creates the three from TABLE_DEFINITIONS, writes every
 * item, and reads each table back to check it holds the count the header promises. A failure
 * after a table was created names the tables made, so the operator can delete them before
 * trying again.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { formatUtcStamp } from '../../time/utc-stamp.ts';
import { createTables, TABLE_IDS } from '../create-tables.ts';
import { type TableId, tableNames } from '../table-definitions.ts';
import type { BackupContents } from './read-backup-file.ts';
import { scanTable } from './scan-table.ts';
import { writeItems } from './write-items.ts';

export interface RestoreTablesOptions {
  readonly client: DynamoDBClient;
  readonly backup: BackupContents;
  readonly targetPrefix: string;
}

export interface RestoredTable {
  readonly table: TableId;
  readonly name: string;
  readonly items: number;
}

export class RestoreError extends Error {
  override readonly name = 'RestoreError';
  /** Tables this restore created, which may hold part of the backup. */
  readonly createdTables: readonly string[];

  constructor(message: string, createdTables: readonly string[]) {
    super(
      createdTables.length === 0
        ? message
        : `${message}\nthese tables were created by this restore and may hold part of the backup; delete them before trying again (aws dynamodb delete-table --table-name NAME):\n${createdTables.map((name) => `  ${name}`).join('\n')}`,
    );
    this.createdTables = createdTables;
  }
}

/** DynamoDB's table-name rule, applied to the longest name a prefix makes. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Why a prefix cannot name tables, or null when it can. */
export function tablePrefixProblem(prefix: string): string | null {
  const longest = Object.values(tableNames(prefix)).reduce((a, b) => (a.length >= b.length ? a : b));
  return prefix.length > 0 && TABLE_NAME.test(longest)
    ? null
    : `table prefix ${JSON.stringify(prefix)} must be letters, digits, '_', '-' or '.', with the table names at most 255 characters`;
}

export function defaultRestorePrefix(sourcePrefix: string, nowMs: number): string {
  return `${sourcePrefix}-restored-${formatUtcStamp(nowMs)}`;
}

export async function restoreTables(options: RestoreTablesOptions): Promise<RestoredTable[]> {
  const { client, backup, targetPrefix } = options;
  const problem = tablePrefixProblem(targetPrefix);
  if (problem !== null) throw new RestoreError(problem, []);
  const names = tableNames(targetPrefix);
  const created: string[] = [];
  try {
    await createTables(client, targetPrefix, {
      existing: 'refuse',
      onCreated: (name) => created.push(name),
    });
    for (const id of TABLE_IDS) await writeItems(client, names[id], backup.items.get(id) ?? []);
    const restored: RestoredTable[] = [];
    for (const id of TABLE_IDS) {
      const items = (await scanTable(client, names[id])).length;
      const expected = backup.header.tables[id].items;
      if (items !== expected)
        throw new Error(`${names[id]} holds ${items} items after the restore, not ${expected}`);
      restored.push({ table: id, name: names[id], items });
    }
    return restored;
  } catch (error) {
    throw new RestoreError(
      `restore of ${backup.file} into prefix ${targetPrefix} failed: ${(error as Error).message}`,
      created,
    );
  }
}
