/**
 * npm run restore -- FILE [--prefix P] [--config FILE] [--endpoint URL]
 * Restores a table backup (`npm run job -- backup` writes them to .data/backups/tables) into fresh
 * tables of a local DynamoDB server: the whole file is checked first, existing tables are never
 * written to, and the counts are checked after. Exit 2 on bad flags, 1 when the file or the
 * restore fails. AWS tables are restored with point-in-time recovery or AWS Backup instead
 * (docs/operations/disaster-recovery.md).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { localEndpointsFile, readLocalEndpoints } from '../local/local-endpoints.ts';
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
/** `npm start`'s default data folder, beside which it writes the local stack's endpoints. */
const LOCAL_DATA_FOLDER = '.data/dynamo';
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

/** The running local stack's DynamoDB endpoint, or why there is none. */
function localEndpoint(): string | { problem: string } {
  const file = localEndpointsFile(LOCAL_DATA_FOLDER);
  try {
    const local = readLocalEndpoints(file);
    if (local !== undefined) return local.dynamoEndpoint;
  } catch (error) {
    return { problem: `${(error as Error).message}; or pass --endpoint` };
  }
  return {
    problem: `no DynamoDB endpoint: the config has no store.endpoint and no local stack is running (${file} is absent; npm start writes it); pass --endpoint http://127.0.0.1:PORT`,
  };
}

process.exitCode = await main(process.argv.slice(2));
