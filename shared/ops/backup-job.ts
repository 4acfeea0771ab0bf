/**
 * The backup job's body, for runOpsJob (the Lambda, the local scheduler, `npm run job -- backup`).
 * In AWS it writes the config snapshot to S3 and nothing else: point-in-time recovery and the AWS
 * Backup plan (infra/) cover the tables. Locally it also exports the tables to a file and applies
 * the same retention to the backups folder. See docs/operations/disaster-recovery.md.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { exportTables, type TableExport } from '../store/backup/export-tables.ts';
import { TABLE_IDS } from '../store/create-tables.ts';
import { newYorkDate } from '../time/new-york-time.ts';
import { type ArtifactStore, FolderArtifactStore } from './artifact-store.ts';
import { pruneBackups } from './backup-retention.ts';
import { type WrittenConfigSnapshot, writeConfigSnapshot } from './config-snapshot.ts';
import type { OpsJobResult } from './run-ops-job.ts';

interface CommonOptions {
  readonly nowMs: number;
  /** The config files in force (see configFilesIn). */
  readonly configFiles: readonly string[];
}

export type BackupJobOptions =
  | (CommonOptions & {
      readonly where: 'aws';
      /** The config bucket. */
      readonly artifacts: ArtifactStore;
    })
  | (CommonOptions & {
      readonly where: 'local';
      readonly client: DynamoDBClient;
      readonly tablePrefix: string;
      readonly account: string;
      /** e.g. .data/backups: table files under tables/, config snapshots under config/. */
      readonly backupsFolder: string;
    });

const COLUMNS = ['what', 'where', 'contents', 'bytes'] as const;

export async function runBackupJob(options: BackupJobOptions): Promise<OpsJobResult> {
  const artifacts =
    options.where === 'aws' ? options.artifacts : new FolderArtifactStore(options.backupsFolder);
  const config = await writeConfigSnapshot({ files: options.configFiles, artifacts, nowMs: options.nowMs });
  let tables: TableExport | undefined;
  let pruned: string[] = [];
  if (options.where === 'local') {
    tables = await exportTables({
      client: options.client,
      tablePrefix: options.tablePrefix,
      account: options.account,
      backupsFolder: options.backupsFolder,
      nowMs: options.nowMs,
    });
    pruned = await pruneBackups({ folder: options.backupsFolder, nowMs: options.nowMs });
  }
  const rows: string[][] = [
    ['config snapshot', config.location, `${config.snapshot.files.length} files`, String(config.bytes)],
  ];
  if (tables !== undefined) rows.push(['tables', tables.file, itemCounts(tables), String(tables.bytes)]);
  for (const path of pruned) rows.push(['pruned (expired)', path, '', '']);
  return {
    newYorkDate: newYorkDate(options.nowMs),
    outcome: config.snapshot.problems.length === 0 ? 'ok' : 'problems',
    summary: summary(config, tables, pruned),
    table: { columns: COLUMNS, rows },
    detail: {
      configSnapshot: {
        location: config.location,
        files: config.snapshot.files.map(({ name, sha256, bytes }) => ({ name, sha256, bytes })),
        problems: config.snapshot.problems,
      },
      ...(tables === undefined
        ? {}
        : { tableBackup: { file: tables.file, bytes: tables.bytes, tables: tables.header.tables } }),
      pruned,
    },
  };
}

function itemCounts(tables: TableExport): string {
  return TABLE_IDS.map((id) => `${id} ${tables.header.tables[id].items}`).join(', ');
}

function summary(config: WrittenConfigSnapshot, tables: TableExport | undefined, pruned: string[]): string {
  const parts = [`config snapshot of ${config.snapshot.files.length} files written`];
  if (tables !== undefined) {
    const items = TABLE_IDS.reduce((sum, id) => sum + tables.header.tables[id].items, 0);
    parts.push(`${items} items of ${tables.header.sourcePrefix}'s tables exported`);
  }
  if (pruned.length > 0) parts.push(`${pruned.length} expired backups removed`);
  const problems = config.snapshot.problems;
  if (problems.length === 0) return parts.join('; ');
  return `${parts.join('; ')}; the config does not load (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems[0]}`;
}
