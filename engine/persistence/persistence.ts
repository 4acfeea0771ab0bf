/**
 * The engine's persistence, built in one call for engine/main.ts: the store, the write-behind
 * queue in front of it, and the engine lease. `close` is the SIGTERM path: drain the queue within
 * the stop timeout, then release the lease, so the watchdog sees a clean stop.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SystemConfig } from '../../shared/config/system-schema.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import type { ItemProblem } from '../../shared/store/item-codec.ts';
import { tableNames } from '../../shared/store/table-definitions.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { OrderCanceller, WatchdogOutcome } from '../../shared/watchdog/lease-watchdog.ts';
import { pinoWatchdogLog, prometheusWatchdogSignals } from '../../shared/watchdog/watchdog-adapters.ts';
import { cancelAfterLeaseLoss } from './cancel-after-lease-loss.ts';
import { EngineLease, type EngineLeaseOptions } from './engine-lease.ts';
import { type DrainResult, type WriteBehindOptions, WriteBehindQueue } from './write-behind-queue.ts';

export interface PersistenceOptions {
  readonly store: SystemConfig['store'];
  readonly accountName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly onLeaseLost: EngineLeaseOptions['onLost'];
  /** Tuning; the defaults suit production. Tests shorten the lease. */
  readonly lease?: Pick<EngineLeaseOptions, 'ttlMs' | 'renewEveryMs' | 'safetyMarginMs' | 'holderId'>;
  readonly queue?: Pick<WriteBehindOptions, 'capacity' | 'lingerMs' | 'fullAlarmAfterMs'>;
  /** Told about every unreadable item (log it, count it); reads also return them. */
  readonly onProblem?: (problem: ItemProblem) => void;
}

export interface Persistence {
  readonly store: DynamoStore;
  readonly queue: WriteBehindQueue;
  readonly lease: EngineLease;
  /**
   * After the lease was lost: cancel every working order at the broker when it can, the way the
   * watchdog does it — under its own hold on the lapsed lease (fencing token + 1), so no engine can
   * start trading meanwhile — waiting up to one lease lifetime for an overdue lease to lapse. If
   * another engine holds the lease, the orders are that engine's now and nothing is touched.
   */
  cancelAfterLeaseLoss(broker: OrderCanceller): Promise<WatchdogOutcome>;
  /** Drains the queue (at most drainTimeoutMs), releases the lease, closes connections. */
  close(drainTimeoutMs: number, reason?: string): Promise<DrainResult>;
}

export function createPersistence(options: PersistenceOptions): Persistence {
  const region = options.store.region;
  const endpoint = options.store.endpoint;
  const connection = endpoint === undefined ? { region } : { region, endpoint };
  // Separate clients: the queue retries by itself (one SDK attempt), the lease wants quick SDK
  // retries within its deadline, and neither waits behind the other's sockets.
  const stateClient = createDocumentClient({ ...connection, maxAttempts: 1 });
  const leaseClient = createDocumentClient({ ...connection, requestTimeoutMs: 2_000 });
  const tables = tableNames(options.store.tablePrefix);
  const store = new DynamoStore({
    client: stateClient,
    tables,
    account: options.accountName,
    ...(options.onProblem === undefined ? {} : { onProblem: options.onProblem }),
  });
  const queue = new WriteBehindQueue({
    writer: store,
    registry: options.registry,
    logger: options.logger,
    clock: options.clock,
    // The lease is built below; the queue asks it only when a batch is about to go out.
    mayWrite: () => lease.mayWrite(),
    ...options.queue,
  });
  const leaseStore = new DynamoLeaseStore({
    client: leaseClient,
    table: tables.lease,
    account: options.accountName,
  });
  const lease = new EngineLease({
    store: leaseStore,
    clock: options.clock,
    logger: options.logger,
    onLost: (reason) => {
      queue.discard(`lease lost: ${reason}`);
      options.onLeaseLost(reason);
    },
    ...options.lease,
  });
  const watchdogSignals = prometheusWatchdogSignals(options.registry);
  return {
    store,
    queue,
    lease,
    cancelAfterLeaseLoss: (broker) =>
      cancelAfterLeaseLoss({
        leases: leaseStore,
        broker,
        signals: watchdogSignals,
        clock: options.clock,
        log: pinoWatchdogLog(options.logger),
        lease,
      }),
    async close(drainTimeoutMs, reason = 'clean stop') {
      const drained = await queue.drain(drainTimeoutMs);
      await lease.stop(reason);
      stateClient.destroy();
      leaseClient.destroy();
      return drained;
    },
  };
}
