/**
 * The local stand-in for the AWS side of the system: the DynamoDB API (dynalite, data kept in a
 * folder) and the cancel-on-disconnect watchdog on a timer. It runs in a process other than the
 * engine's — the test runner, or `node local/local-stack-main.ts` beside `npm start` — because a
 * watchdog that dies with the engine watches nothing.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type LocalWatchdog, startLocalWatchdog } from '../functions/watchdog/local-watchdog-timer.ts';
import type { SystemConfig } from '../shared/config/system-schema.ts';
import { createDocumentClient } from '../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../shared/store/dynamo-lease-store.ts';
import type { Clock } from '../shared/time/clock.ts';
import type { OrderCanceller } from '../shared/watchdog/lease-watchdog.ts';
import { type LocalDynamo, startLocalDynamo } from './local-dynamo.ts';

export interface LocalStackOptions {
  /** store.endpoint (port), store.tablePrefix, store.region and account.name are used. */
  readonly system: Pick<SystemConfig, 'store' | 'account'>;
  /** LevelDB folder, e.g. .data/dynamo; in memory when absent. */
  readonly dataPath?: string;
  readonly broker: OrderCanceller;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly watchdogIntervalMs?: number;
}

export interface LocalStack {
  readonly dynamo: LocalDynamo;
  readonly watchdog: LocalWatchdog;
  close(): Promise<void>;
}

/** The port of a loopback store.endpoint, or 0 (any free port) when none is configured. */
export function localStorePort(endpoint: string | undefined): number {
  if (endpoint === undefined) return 0;
  const url = new URL(endpoint);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    throw new Error(`store.endpoint ${endpoint} is not on loopback; the local stack serves 127.0.0.1 only`);
  }
  return url.port === '' ? 80 : Number(url.port);
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { store, account } = options.system;
  const dynamo = await startLocalDynamo({
    port: localStorePort(store.endpoint),
    tablePrefix: store.tablePrefix,
    region: store.region,
    ...(options.dataPath === undefined ? {} : { path: options.dataPath }),
  });
  const client = createDocumentClient({ region: store.region, endpoint: dynamo.endpoint });
  const watchdog = startLocalWatchdog({
    leases: new DynamoLeaseStore({ client, table: dynamo.tables.lease, account: account.name }),
    broker: options.broker,
    clock: options.clock,
    logger: options.logger,
    registry: options.registry,
    ...(options.watchdogIntervalMs === undefined ? {} : { intervalMs: options.watchdogIntervalMs }),
    onRun: (outcome) => {
      if (outcome.outcome === 'cancelled' || outcome.outcome === 'cancel_failed') {
        options.logger.error({ outcome }, 'P0: engine lease lapsed without a clean stop');
      }
    },
  });
  options.logger.info({ endpoint: dynamo.endpoint, tables: dynamo.tables }, 'local stack started');
  return {
    dynamo,
    watchdog,
    async close() {
      await watchdog.close();
      client.destroy();
      await dynamo.close();
    },
  };
}
