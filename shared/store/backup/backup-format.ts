/**
 * The table backup file: gzip-compressed NDJSON. The first line is a header (format and version,
 * when, which tables and how many items each, and the table definitions they were created with),
 * then one line per item: `{"table":"state","item":{…DynamoDB JSON…}}`. The header's counts let
 * a reader tell a complete file from a cut-off one; the definitions let a restore refuse a file
 * whose key schema is not the one it would create.
 */
import { z } from 'zod';
import { TABLE_DEFINITIONS } from '../table-definitions.ts';

export const BACKUP_FORMAT = 'trading-tables-backup';
export const BACKUP_FORMAT_VERSION = 1;

const tableSummarySchema = z.strictObject({
  name: z.string().min(3),
  items: z.number().int().nonnegative(),
});

export const backupHeaderSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.iso.datetime(),
  sourcePrefix: z.string().min(1),
  /** The account whose engine wrote the tables (the config's account.name). */
  account: z.string().min(1),
  tables: z.strictObject({
    state: tableSummarySchema,
    lease: tableSummarySchema,
    idempotency: tableSummarySchema,
  }),
  definitions: z.record(z.string(), z.unknown()),
});
export type BackupHeader = z.infer<typeof backupHeaderSchema>;

/** The definitions as a header records them: plain JSON, compared as JSON on restore. */
export function definitionsJson(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(TABLE_DEFINITIONS)) as Record<string, unknown>;
}
