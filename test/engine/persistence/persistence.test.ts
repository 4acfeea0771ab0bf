import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence } from '../../../engine/persistence/persistence.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { sampleFill, sampleOrder, T0 } from '../../shared/store/store-fixtures.ts';

describe('Function: createPersistence (against dynalite over loopback)', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'persistence-test' });
  });

  afterAll(async () => {
    await dynamo.close();
  });

  it('persists what the engine enqueues and releases the lease on close', async () => {
    const persistence = createPersistence({
      store: { region: dynamo.region, tablePrefix: 'persistence-test', endpoint: dynamo.endpoint },
      accountName: 'wired',
      clock: new ManualClock(T0),
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      onLeaseLost: () => {},
    });
    expect(await persistence.lease.start()).toStrictEqual({ ok: true, fencingToken: 1 });
    const { queue, store } = persistence;
    expect(queue.enqueue(store.writes.order(sampleOrder()))).toBe(true);
    expect(queue.enqueue(store.writes.fill(sampleFill))).toBe(true);

    expect(await persistence.close(5_000, 'SIGTERM')).toStrictEqual({ written: 2, remaining: 0 });

    const client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    const reader = createPersistence({
      store: { region: dynamo.region, tablePrefix: 'persistence-test', endpoint: dynamo.endpoint },
      accountName: 'wired',
      clock: new ManualClock(T0),
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      onLeaseLost: () => {},
    });
    expect(await reader.store.getOrder(sampleOrder().clientOrderId)).toStrictEqual({
      status: 'found',
      value: sampleOrder(),
    });
    expect((await reader.store.listFills('2026-11-24')).items).toStrictEqual([sampleFill]);
    const lease = await new DynamoLeaseStore({ client, table: dynamo.tables.lease, account: 'wired' }).read();
    expect(lease).toMatchObject({ status: 'found', value: { status: 'released', releaseReason: 'SIGTERM' } });
    await reader.close(100);
    client.destroy();
  });
});
