/**
 * Exports a prefix's tables (state, lease, idempotency) to one backup file (format in
 * backup-format.ts). The file is written under a temporary name and renamed when complete, so a
 * crash or a full disk leaves no file that looks like a finished backup.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_IDS } from '../create-tables.ts';
import { type TableId, tableNames } from '../table-definitions.ts';
import { type DynamoItem, itemToJson } from './attribute-json.ts';
import { tableBackupPath } from './backup-file-name.ts';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupHeader, definitionsJson } from './backup-format.ts';
import { scanTable } from './scan-table.ts';

export interface ExportTablesOptions {
  readonly client: DynamoDBClient;
  readonly tablePrefix: string;
  readonly account: string;
  /** The backups folder (e.g. .data/backups); the file goes to its `tables/` folder. */
  readonly backupsFolder: string;
  readonly nowMs: number;
}

export interface TableExport {
  readonly file: string;
  readonly bytes: number;
  readonly header: BackupHeader;
}

export async function exportTables(options: ExportTablesOptions): Promise<TableExport> {
  const names = tableNames(options.tablePrefix);
  const items = new Map<TableId, DynamoItem[]>();
  // The header goes first and carries the counts, so every table is read before writing starts.
  for (const id of TABLE_IDS) items.set(id, await scanTable(options.client, names[id]));
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    createdAt: new Date(options.nowMs).toISOString(),
    sourcePrefix: options.tablePrefix,
    account: options.account,
    tables: {
      state: { name: names.state, items: items.get('state')!.length },
      lease: { name: names.lease, items: items.get('lease')!.length },
      idempotency: { name: names.idempotency, items: items.get('idempotency')!.length },
    },
    definitions: definitionsJson(),
  };
  const file = tableBackupPath(options.backupsFolder, options.tablePrefix, options.nowMs);
  const partial = join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  await mkdir(dirname(file), { recursive: true });
  try {
    await pipeline(
      linesOf(header, items),
      createGzip(),
      createWriteStream(partial, { flags: 'wx', flush: true }),
    );
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { file, bytes: (await stat(file)).size, header };
}

async function* linesOf(header: BackupHeader, items: ReadonlyMap<TableId, DynamoItem[]>) {
  yield `${JSON.stringify(header)}\n`;
  for (const [table, tableItems] of items) {
    for (const item of tableItems) yield `${JSON.stringify({ table, item: itemToJson(item) })}\n`;
  }
}
