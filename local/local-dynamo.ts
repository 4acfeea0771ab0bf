/**
 * A DynamoDB-compatible server on loopback (dynalite, in this process) with the project's tables
 * created from shared/store/table-definitions.ts. In memory by default; with `path` the data lives
 * in a LevelDB folder, so a restarted process sees what the previous one wrote.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createTables } from '../shared/store/create-tables.ts';
import { createDynamoClient } from '../shared/store/dynamo-client.ts';
import { type TableNames, tableNames } from '../shared/store/table-definitions.ts';

type Dynalite = (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface LocalDynamoOptions {
  /** LevelDB folder for data that survives restarts (e.g. .data/dynamo); in memory when absent. */
  readonly path?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Creates `${tablePrefix}-state`, `-lease` and `-idempotency`. */
  readonly tablePrefix?: string;
  readonly region?: string;
}

export interface LocalDynamo {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly tables: TableNames;
  close(): Promise<void>;
}

export const LOCAL_TABLE_PREFIX = 'trading-local';

export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  const prefix = options.tablePrefix ?? LOCAL_TABLE_PREFIX;
  const client = createDynamoClient({ region, endpoint });
  try {
    await createTables(client, prefix);
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, region, tables: tableNames(prefix), close };
}
