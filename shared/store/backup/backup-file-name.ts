/**
 * Table backup files are named `<source prefix>-<UTC stamp>.ndjson.gz`: the name says which
 * tables and when, and retention reads the age from it. A file being written carries a temporary
 * name that this pattern never matches, so neither retention nor an operator mistakes it for a
 * finished backup.
 */
import { join } from 'node:path';
import { formatUtcStamp, parseUtcStamp, UTC_STAMP_PATTERN } from '../../time/utc-stamp.ts';

export const TABLE_BACKUPS_FOLDER = 'tables';
const SUFFIX = '.ndjson.gz';
const NAME = new RegExp(`^(.+)-(${UTC_STAMP_PATTERN})\\.ndjson\\.gz$`);

export function tableBackupFileName(sourcePrefix: string, createdAtMs: number): string {
  return `${sourcePrefix}-${formatUtcStamp(createdAtMs)}${SUFFIX}`;
}

/** Where a backup goes under a backups folder such as .data/backups. */
export function tableBackupPath(backupsFolder: string, sourcePrefix: string, createdAtMs: number): string {
  return join(backupsFolder, TABLE_BACKUPS_FOLDER, tableBackupFileName(sourcePrefix, createdAtMs));
}

/** The prefix and time of a backup file's name, or null for any other file. */
export function parseTableBackupFileName(
  name: string,
): { readonly sourcePrefix: string; readonly createdAtMs: number } | null {
  const match = NAME.exec(name);
  if (match === null) return null;
  const createdAtMs = parseUtcStamp(match[2]!);
  return createdAtMs === null ? null : { sourcePrefix: match[1]!, createdAtMs };
}
