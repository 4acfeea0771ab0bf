import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteBehindQueue } from '../../../engine/persistence/write-behind-queue.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import type { PendingWrite } from '../../../shared/store/pending-write.ts';
import type { BatchWriteOutcome, BatchWriter } from '../../../shared/store/store.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { sampleOrder, T0 } from '../../shared/store/store-fixtures.ts';

const silent = pino({ level: 'silent' });

/** Passes batches to the real store, recording them, after optional faults. */
class FaultyWriter implements BatchWriter {
  readonly batches: number[] = [];
  throttleNext = 0;
  /** Leave the second half of the next N batches unprocessed, as DynamoDB does under load. */
  halveNext = 0;
  gate: Promise<void> | undefined;
  readonly #inner: BatchWriter;

  constructor(inner: BatchWriter) {
    this.#inner = inner;
  }

  async writeBatch(writes: readonly PendingWrite[]): Promise<BatchWriteOutcome> {
    await this.gate;
    this.batches.push(writes.length);
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    }
    if (this.halveNext > 0 && writes.length > 1) {
      this.halveNext -= 1;
      const half = Math.ceil(writes.length / 2);
      await this.#inner.writeBatch(writes.slice(0, half));
      return { unprocessed: writes.slice(half) };
    }
    return this.#inner.writeBatch(writes);
  }
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

describe('Class: WriteBehindQueue (against dynalite over loopback)', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;
  let accounts = 0;

  function setup(options: { capacity?: number; clock?: ManualClock } = {}) {
    accounts += 1;
    const store = new DynamoStore({ client, tables: dynamo.tables, account: `wb-${accounts}` });
    const writer = new FaultyWriter(store);
    const registry = new Registry();
    const queue = new WriteBehindQueue({
      writer,
      registry,
      logger: silent,
      clock: options.clock ?? new ManualClock(T0),
      lingerMs: 1,
      backoffBaseMs: 1,
      backoffMaxMs: 5,
      fullAlarmAfterMs: 1_000,
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
    });
    const order = (n: number, status: 'new' | 'filled' = 'new') =>
      store.writes.order(sampleOrder({ clientOrderId: `o-${String(n).padStart(3, '0')}`, status }));
    return { store, writer, registry, queue, order };
  }

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'write-behind-test' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('writes everything in batches of at most 25 and drains to empty', async () => {
    const { store, writer, registry, queue, order } = setup();
    for (let i = 0; i < 60; i++) expect(queue.enqueue(order(i))).toBe(true);

    const drained = await queue.drain(5_000);

    expect(drained).toStrictEqual({ written: 60, remaining: 0 });
    expect(Math.max(...writer.batches)).toBeLessThanOrEqual(25);
    expect(writer.batches.reduce((a, b) => a + b, 0)).toBe(60);
    expect((await store.listOrders()).items).toHaveLength(60);
    expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'written' })).toBe(60);
    expect(queue.depth).toBe(0);
  });

  it('keeps only the newest queued state of an item, and writes it last', async () => {
    const { store, queue, order } = setup();
    queue.enqueue(order(1, 'new'));
    queue.enqueue(order(2, 'new'));
    queue.enqueue(order(1, 'filled'));
    expect(queue.depth).toBe(2);
    await queue.drain(5_000);
    expect(
      (await store.getOrder('o-001')).status === 'found' && (await store.getOrder('o-001')),
    ).toMatchObject({
      value: { status: 'filled' },
    });
  });

  it('retries a throttled batch with back-off until it is written', async () => {
    const { store, writer, registry, queue, order } = setup();
    writer.throttleNext = 3;
    for (let i = 0; i < 10; i++) queue.enqueue(order(i));
    expect(await queue.drain(5_000)).toStrictEqual({ written: 10, remaining: 0 });
    expect(writer.batches).toStrictEqual([10, 10, 10, 10]);
    expect(await metricValue(registry, 'persistence_write_retries_total', { cause: 'throttled' })).toBe(3);
    expect((await store.listOrders()).items).toHaveLength(10);
  });

  it('retries unprocessed items first, and never lets them overwrite a newer state of the same item', async () => {
    const { store, writer, registry, queue, order } = setup();
    writer.halveNext = 1;
    let releaseGate = () => {};
    writer.gate = new Promise((resolve) => {
      releaseGate = resolve;
    });
    for (let i = 0; i < 20; i++) queue.enqueue(order(i));
    await new Promise((resolve) => setTimeout(resolve, 10)); // the batch of 20 is now in flight
    queue.enqueue(order(19, 'filled')); // newer state of an item that will come back unprocessed
    releaseGate();

    await queue.drain(5_000);

    expect(await metricValue(registry, 'persistence_write_retries_total', { cause: 'unprocessed' })).toBe(1);
    const orders = (await store.listOrders()).items;
    expect(orders).toHaveLength(20);
    expect(orders.find((o) => o.clientOrderId === 'o-019')?.status).toBe('filled');
    expect(orders.find((o) => o.clientOrderId === 'o-018')?.status).toBe('new');
  });

  it('writes the rest of a batch when DynamoDB rejects one item in it, and counts the rejected item', async () => {
    const { store, registry, queue, order } = setup();
    const tooBig = order(999);
    const oversized = { ...tooBig, encode: () => ({ ...tooBig.encode(), strategyId: 'x'.repeat(410_000) }) };
    queue.enqueue(order(1));
    queue.enqueue(oversized);
    queue.enqueue(order(2));
    expect(await queue.drain(5_000)).toStrictEqual({ written: 2, remaining: 0 });
    expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'rejected' })).toBe(1);
    expect((await store.listOrders()).items.map((o) => o.clientOrderId)).toStrictEqual(['o-001', 'o-002']);
  });

  it('drops an item the code cannot encode instead of retrying it forever, and writes the rest', async () => {
    const { store, registry, queue, order } = setup();
    queue.enqueue(order(1));
    queue.enqueue({
      table: dynamo.tables.state,
      key: 'broken',
      encode: () => {
        throw new TypeError('cannot format a number as a decimal');
      },
    });
    queue.enqueue(order(2));
    expect(await queue.drain(5_000)).toStrictEqual({ written: 2, remaining: 0 });
    expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'rejected' })).toBe(1);
    expect((await store.listOrders()).items).toHaveLength(2);
  });

  it('refuses new items at capacity, raises the alarm when it stays full, and clears it when it empties', async () => {
    const clock = new ManualClock(T0);
    const { writer, registry, queue, order } = setup({ capacity: 3, clock });
    let releaseGate = () => {};
    writer.gate = new Promise((resolve) => {
      releaseGate = resolve;
    });
    for (let i = 0; i < 3; i++) queue.enqueue(order(i));
    await new Promise((resolve) => setTimeout(resolve, 10)); // first batch in flight, held at the gate
    for (let i = 3; i < 6; i++) expect(queue.enqueue(order(i))).toBe(true);
    expect(queue.enqueue(order(6))).toBe(false);
    expect(queue.enqueue(order(5, 'filled'))).toBe(true); // a newer state of a queued item still fits
    expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'refused_full' })).toBe(1);
    expect(await metricValue(registry, 'persistence_queue_full_alarm')).toBe(0);

    clock.advanceMs(999);
    expect(queue.enqueue(order(7))).toBe(false);
    expect(await metricValue(registry, 'persistence_queue_full_alarm')).toBe(0);
    clock.advanceMs(1);
    expect(await metricValue(registry, 'persistence_queue_full_alarm')).toBe(1);
    expect(await metricValue(registry, 'persistence_queue_depth')).toBe(6);

    releaseGate();
    await queue.drain(5_000);
    expect(await metricValue(registry, 'persistence_queue_full_alarm')).toBe(0);
  });

  it('gives up a drain at its timeout, reports what is left and refuses later items', async () => {
    const { writer, queue, order } = setup();
    writer.gate = new Promise(() => {}); // DynamoDB never answers
    for (let i = 0; i < 30; i++) queue.enqueue(order(i));
    const drained = await queue.drain(50);
    expect(drained).toStrictEqual({ written: 0, remaining: 30 });
    expect(queue.enqueue(order(31))).toBe(false);
  });

  it('discards what is queued when told to (a lost lease) and refuses later items', async () => {
    const { writer, registry, queue, order } = setup();
    let releaseGate = () => {};
    writer.gate = new Promise((resolve) => {
      releaseGate = resolve;
    });
    queue.enqueue(order(0));
    await new Promise((resolve) => setTimeout(resolve, 10)); // order 0 in flight, held at the gate
    for (let i = 1; i < 4; i++) queue.enqueue(order(i));
    expect(queue.discard('lease lost')).toBe(3);
    expect(queue.enqueue(order(9))).toBe(false);
    releaseGate();
    await queue.drain(1_000);
    expect(writer.batches).toStrictEqual([1]);
    expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'discarded' })).toBe(3);
    expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'written' })).toBe(1);
  });

  it('keeps items through a DynamoDB outage and writes them once it is back', async () => {
    const outage = await startLocalDynamo({ tablePrefix: 'outage-test' });
    const { port, endpoint } = outage;
    await outage.close();
    const outageClient = createDocumentClient({ region: 'us-east-1', endpoint, maxAttempts: 1 });
    const store = new DynamoStore({ client: outageClient, tables: outage.tables, account: 'outage' });
    const registry = new Registry();
    const queue = new WriteBehindQueue({
      writer: store,
      registry,
      logger: silent,
      clock: new ManualClock(T0),
      lingerMs: 1,
      backoffBaseMs: 5,
      backoffMaxMs: 20,
    });
    for (let i = 0; i < 5; i++)
      queue.enqueue(store.writes.order(sampleOrder({ clientOrderId: `down-${i}` })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(queue.depth).toBe(5);
    expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'rejected' })).toBe(0);
    expect(
      await metricValue(registry, 'persistence_write_retries_total', { cause: 'unavailable' }),
    ).toBeGreaterThan(0);

    const back = await startLocalDynamo({ tablePrefix: 'outage-test', port });
    try {
      // The queue may finish on its own while the server creates its tables, before drain is called.
      expect((await queue.drain(5_000)).remaining).toBe(0);
      expect((await store.listOrders()).items).toHaveLength(5);
      expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'written' })).toBe(5);
      expect(await metricValue(registry, 'persistence_writes_total', { outcome: 'rejected' })).toBe(0);
    } finally {
      outageClient.destroy();
      await back.close();
    }
  });
});

describe('Class: WriteBehindQueue (its fencing check)', () => {
  const write = (key: string): PendingWrite => ({
    table: 'state',
    key,
    encode: () => {
      throw new Error('the recording writer does not encode');
    },
  });

  it('writes nothing while mayWrite says no, and what it held back with the next write it may make', async () => {
    const batches: string[][] = [];
    let allowed = false;
    let asked: () => void = () => undefined;
    const firstAsk = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const queue = new WriteBehindQueue({
      writer: {
        writeBatch: async (writes) => {
          batches.push(writes.map((pending) => pending.key));
          return { unprocessed: [] };
        },
      },
      registry: new Registry(),
      logger: silent,
      clock: new ManualClock(T0),
      lingerMs: 1,
      mayWrite: () => {
        asked();
        return allowed;
      },
    });
    queue.enqueue(write('a'));
    // A process resumed past its lease: the batch it had queued must not reach the store.
    await firstAsk;
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toStrictEqual([]);
    expect(queue.depth).toBe(1);

    allowed = true;
    queue.enqueue(write('b'));
    expect(await queue.drain(1_000)).toStrictEqual({ written: 2, remaining: 0 });
    expect(batches).toStrictEqual([['a', 'b']]);
  });
});
