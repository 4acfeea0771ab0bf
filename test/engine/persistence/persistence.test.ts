import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence } from '../../../engine/persistence/persistence.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import { ManualClock, systemClock } from '../../../shared/time/clock.ts';
import type { WatchdogOutcome } from '../../../shared/watchdog/lease-watchdog.ts';
import { startSimulator } from '../../../sim/simulator.ts';
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

  it('cancels the working orders, under its own hold on the lease, when the lease lapsed on it', async () => {
    const sim = await startSimulator({ logger: pino({ level: 'silent' }) });
    const broker = new AlpacaTradingClient({
      baseUrl: sim.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
    const registry = new Registry();
    let cancelled: Promise<WatchdogOutcome> | undefined;
    const persistence = createPersistence({
      store: { region: dynamo.region, tablePrefix: 'persistence-test', endpoint: dynamo.endpoint },
      accountName: 'lapsing',
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      registry,
      onLeaseLost: () => {
        cancelled = persistence.cancelAfterLeaseLoss(broker);
      },
      lease: { ttlMs: 600, renewEveryMs: 200, safetyMarginMs: 100 },
    });
    try {
      expect(await persistence.lease.start()).toStrictEqual({ ok: true, fencingToken: 1 });
      const resting = await broker.submitOrder({
        symbol: 'MSFT',
        qty: parseFixed('1'),
        side: 'buy',
        type: 'limit',
        limitPrice: parseFixed('1.5'),
        timeInForce: 'gtc',
        clientOrderId: 'lapse-rest-1',
      });
      // The process hangs past its lease: no renewal can run, as in a long GC pause.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(cancelled).toBeDefined();
      const outcome = await cancelled!;
      expect(outcome).toMatchObject({ outcome: 'cancelled', summary: { cancelled: 1, failed: 0 } });
      expect((await broker.getOrder(resting.id))?.status).toBe('canceled');
      const client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
      const lease = await new DynamoLeaseStore({
        client,
        table: dynamo.tables.lease,
        account: 'lapsing',
      }).read();
      client.destroy();
      expect(lease).toMatchObject({ status: 'found', value: { status: 'released', fencingToken: 2 } });
      const lapsed = await registry.getSingleMetric('watchdog_lease_lapsed')?.get();
      expect(lapsed?.values).toStrictEqual([{ labels: { account: 'lapsing' }, value: 1 }]);
    } finally {
      await persistence.close(100);
      await broker.close();
      await sim.close();
    }
  });
});
