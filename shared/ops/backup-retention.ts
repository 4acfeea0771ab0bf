/**
 * Local retention of the backup folder, matching AWS's: table backups kept 30 days (the AWS
 * Backup plan's retention), config snapshots 90 days. A file's age is the time in its name, not
 * its mtime (which a copy or restore resets); files whose names are not the backup job's own are
 * never touched.
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTableBackupFileName, TABLE_BACKUPS_FOLDER } from '../store/backup/backup-file-name.ts';
import { CONFIG_SNAPSHOTS_FOLDER, parseConfigSnapshotName } from './config-snapshot.ts';

export const BACKUP_RETENTION_DAYS = { tables: 30, config: 90 } as const;
const DAY_MS = 86_400_000;
const DATE_FOLDER = /^\d{4}-\d{2}-\d{2}$/;

export interface PruneOptions {
  /** The backups folder (e.g. .data/backups): `tables/` and `config/<date>/` under it. */
  readonly folder: string;
  readonly nowMs: number;
  readonly retentionDays?: { readonly tables: number; readonly config: number };
}

/** Removes expired backups; returns the paths removed. */
export async function pruneBackups(options: PruneOptions): Promise<string[]> {
  const days = options.retentionDays ?? BACKUP_RETENTION_DAYS;
  const removed: string[] = [];
  const tablesFolder = join(options.folder, TABLE_BACKUPS_FOLDER);
  for (const name of await namesIn(tablesFolder)) {
    const createdAtMs = parseTableBackupFileName(name)?.createdAtMs;
    if (createdAtMs !== undefined && options.nowMs - createdAtMs > days.tables * DAY_MS) {
      await rm(join(tablesFolder, name));
      removed.push(join(tablesFolder, name));
    }
  }
  const configFolder = join(options.folder, CONFIG_SNAPSHOTS_FOLDER);
  for (const date of (await namesIn(configFolder)).filter((name) => DATE_FOLDER.test(name))) {
    const dateFolder = join(configFolder, date);
    const names = await namesIn(dateFolder);
    for (const name of names) {
      const createdAtMs = parseConfigSnapshotName(name);
      if (createdAtMs !== null && options.nowMs - createdAtMs > days.config * DAY_MS) {
        await rm(join(dateFolder, name));
        removed.push(join(dateFolder, name));
      }
    }
    if (names.length > 0 && (await namesIn(dateFolder)).length === 0) await rmdir(dateFolder);
  }
  return removed;
}

async function namesIn(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}
