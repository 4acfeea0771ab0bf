/**
 * npm run restore -- FILE [--prefix P] [--config FILE] [--endpoint URL]
 * Restores a table backup (`npm run job -- backup` writes them to .data/backups/tables) into fresh
 * tables of a local DynamoDB server: the whole file is checked first, existing tables are never
 * written to, and the counts are checked after. Exit 2 on bad flags, 1 when the file or the
 * restore fails. AWS tables are restored with point-in-time recovery or AWS Backup instead
 * (docs/operations/disaster-recovery.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfigOrReport } from '../shared/config/load-config.ts';
import { renderTable } from '../shared/ops/ops-table.ts';
import { BackupFileError, readBackupFile } from '../shared/store/backup/read-backup-file.ts';
import {
  defaultRestorePrefix,
  RestoreError,
  restoreTables,
  tablePrefixProblem,
} from '../shared/store/backup/restore-tables.ts';
import { createDynamoClient } from '../shared/store/dynamo-client.ts';

const USAGE =
  'usage: npm run restore -- FILE [--prefix PREFIX] [--config config/system.json] [--endpoint http://127.0.0.1:PORT]';
/** Written by `npm start` with the ports the local stack listens on. */
const LOCAL_ENDPOINTS_FILE = '.data/local-endpoints.json';
const localEndpointsSchema = z.looseObject({ dynamoEndpoint: z.url({ protocol: /^https?$/ }) });
const endpointSchema = z.url({ protocol: /^https?$/ });

async function main(argv: string[]): Promise<number> {
  let parsed: {
    values: { prefix?: string; config?: string; endpoint?: string; help?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        prefix: { type: 'string' },
        config: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    console.error(
      `${file === undefined ? 'FILE is required' : `unexpected arguments: ${extra.join(' ')}`}\n${USAGE}`,
    );
    return 2;
  }
  if (values.endpoint !== undefined && !endpointSchema.safeParse(values.endpoint).success) {
    console.error(`--endpoint ${JSON.stringify(values.endpoint)} is not an http(s) URL\n${USAGE}`);
    return 2;
  }
  const prefixProblem = values.prefix === undefined ? null : tablePrefixProblem(values.prefix);
  if (prefixProblem !== null) {
    console.error(`--prefix: ${prefixProblem}\n${USAGE}`);
    return 2;
  }

  let backup: Awaited<ReturnType<typeof readBackupFile>>;
  try {
    backup = await readBackupFile(file);
  } catch (error) {
    if (!(error instanceof BackupFileError)) throw error;
    console.error(`${file} is not a backup that can be restored; nothing was changed:\n${error.message}`);
    return 1;
  }

  const configFile = values.config ?? 'config/system.json';
  const config = loadConfigOrReport({ systemFile: configFile });
  if (config === null) return 1;
  const endpoint = values.endpoint ?? config.system.store.endpoint ?? localEndpoint();
  if (typeof endpoint !== 'string') {
    console.error(endpoint.problem);
    return 1;
  }

  const targetPrefix = values.prefix ?? defaultRestorePrefix(backup.header.sourcePrefix, Date.now());
  const client = createDynamoClient({
    region: config.system.store.region,
    endpoint,
    requestTimeoutMs: 30_000,
  });
  try {
    const restored = await restoreTables({ client, backup, targetPrefix });
    console.log(
      `restored ${file} (${backup.header.sourcePrefix}, account ${backup.header.account}, taken ${backup.header.createdAt}) at ${endpoint}\n`,
    );
    console.log(
      renderTable({
        columns: ['table', 'restored as', 'items'],
        rows: restored.map(({ table, name, items }) => [table, name, String(items)]),
      }),
    );
    console.log(`\nto run an engine on them, set store.tablePrefix to "${targetPrefix}" in its config`);
    return 0;
  } catch (error) {
    if (!(error instanceof RestoreError)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    client.destroy();
  }
}

/** The local stack's DynamoDB endpoint, or why there is none. */
function localEndpoint(): string | { problem: string } {
  const path = resolve(LOCAL_ENDPOINTS_FILE);
  if (!existsSync(path)) {
    return {
      problem: `no DynamoDB endpoint: the config has no store.endpoint and there is no ${LOCAL_ENDPOINTS_FILE} (written by npm start); pass --endpoint http://127.0.0.1:PORT`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { problem: `${path}: not JSON (${(error as Error).message}); pass --endpoint instead` };
  }
  const parsed = localEndpointsSchema.safeParse(json);
  return parsed.success
    ? parsed.data.dynamoEndpoint
    : { problem: `${path}: no dynamoEndpoint URL in it; pass --endpoint instead` };
}

process.exitCode = await main(process.argv.slice(2));
