import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { workingOrdersPartition } from '../../../shared/store/items/order-item.ts';
import { MemoryDynamoClient, type MemoryDynamoFault } from '../../../shared/store/memory-dynamo-client.ts';
import { TABLE_DEFINITIONS, type TableNames } from '../../../shared/store/table-definitions.ts';
import {
  sampleAuditEntry,
  sampleBreakerState,
  sampleBreakerTransition,
  sampleFill,
  sampleIdempotencyRecord,
  sampleOrder,
  samplePosition,
  sampleRiskEvent,
  T0,
} from './store-fixtures.ts';

/** Runs a step and keeps its answer, or the error's name: what the two clients must agree on. */
async function outcome(step: () => Promise<unknown>): Promise<unknown> {
  try {
    const answer = await step();
    if (answer === null || typeof answer !== 'object' || !('$metadata' in answer)) return { ok: answer };
    // The SDK's request metadata (request id, attempts) is the transport's, not the data's.
    const { $metadata: _metadata, ...data } = answer as Record<string, unknown>;
    return { ok: data };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

/** One script of store, lease and raw-command steps; its outcomes, in order. */
async function script(
  client: DynamoDBDocumentClient,
  tables: TableNames,
  account: string,
): Promise<unknown[]> {
  const store = new DynamoStore({ client, tables, account });
  const lease = new DynamoLeaseStore({ client, table: tables.lease, account });
  const steps: (() => Promise<unknown>)[] = [
    // Orders: the table, the sparse working-orders index, an order leaving it once terminal.
    () => store.putOrder(sampleOrder({ clientOrderId: 'c-1', status: 'new' })),
    () =>
      store.putOrder(sampleOrder({ clientOrderId: 'c-2', status: 'filled', filledQty: parseFixed('10') })),
    () =>
      store.putOrder(
        sampleOrder({ clientOrderId: 'c-0', status: 'accepted', origin: 'external', fencingToken: null }),
      ),
    () => store.getOrder('c-1'),
    () => store.getOrder('missing'),
    () => store.listOrders(),
    () => store.listWorkingOrders(),
    () => store.putOrder(sampleOrder({ clientOrderId: 'c-1', status: 'canceled' })),
    () => store.listWorkingOrders(),
    // Fills (a repeated put is one item), positions, breaker, ranges from a point in time.
    () => store.putFill(sampleFill),
    () => store.putFill({ ...sampleFill }),
    () => store.listFills('2026-11-24'),
    () => store.putPosition(samplePosition),
    () => store.listPositions(),
    () => store.getBreakerState(),
    () => store.putBreakerState(sampleBreakerState),
    () => store.getBreakerState(),
    () =>
      store.putBreakerTransition({
        ...sampleBreakerTransition,
        atMs: T0 + 60_000,
        to: 'normal',
        from: 'halted',
      }),
    () => store.putBreakerTransition(sampleBreakerTransition),
    () => store.listBreakerTransitions(0),
    () => store.listBreakerTransitions(T0 + 1),
    () => store.putRiskEvent(sampleRiskEvent),
    () => store.listRiskEvents('2026-11-24'),
    () => store.putAuditEntry(sampleAuditEntry),
    () => store.listAuditEntries(T0),
    () => store.listAuditEntries(T0 + 10),
    // Idempotency: a conditional put, a conditional update, an expired record claimed again.
    () => store.completeIdempotencyKey('never-claimed', 'x'),
    () => store.claimIdempotencyKey(sampleIdempotencyRecord),
    () => store.claimIdempotencyKey({ ...sampleIdempotencyRecord, createdAtMs: T0 + 1 }),
    () => store.completeIdempotencyKey(sampleIdempotencyRecord.key, '{"closed":3}'),
    () => store.getIdempotencyRecord(sampleIdempotencyRecord.key),
    () =>
      store.claimIdempotencyKey({
        ...sampleIdempotencyRecord,
        createdAtMs: sampleIdempotencyRecord.expiresAtMs + 1000,
        expiresAtMs: sampleIdempotencyRecord.expiresAtMs + 2000,
      }),
    // Batches: 25 items, then too many, then two writes of one key.
    () =>
      store.writeBatch(
        Array.from({ length: 25 }, (_, i) =>
          store.writes.order(
            sampleOrder({ clientOrderId: `b-${String(i).padStart(2, '0')}`, status: 'new' }),
          ),
        ),
      ),
    () => store.listWorkingOrders(),
    () =>
      store.writeBatch(
        Array.from({ length: 26 }, (_, i) => store.writes.order(sampleOrder({ clientOrderId: `x-${i}` }))),
      ),
    () =>
      store.writeBatch([
        store.writes.order(sampleOrder({ clientOrderId: 'd-1' })),
        store.writes.order(sampleOrder({ clientOrderId: 'd-1', status: 'new' })),
      ]),
    // The lease: acquire, refused while held, taken over once lapsed, renewals and releases.
    () => lease.read(),
    () => lease.acquire({ holderId: 'a', nowMs: T0, ttlMs: 15_000 }),
    () => lease.acquire({ holderId: 'b', nowMs: T0 + 5_000, ttlMs: 15_000 }),
    () => lease.renew({ holderId: 'a', fencingToken: 1 }, { nowMs: T0 + 5_000, ttlMs: 15_000 }),
    () => lease.acquire({ holderId: 'b', nowMs: T0 + 19_999, ttlMs: 15_000 }),
    () => lease.acquire({ holderId: 'b', nowMs: T0 + 20_000, ttlMs: 15_000 }),
    () => lease.renew({ holderId: 'a', fencingToken: 1 }, { nowMs: T0 + 20_001, ttlMs: 15_000 }),
    () => lease.release({ holderId: 'a', fencingToken: 1 }, T0 + 20_002, 'late'),
    () => lease.release({ holderId: 'b', fencingToken: 2 }, T0 + 21_000, 'clean stop'),
    () => lease.renew({ holderId: 'b', fencingToken: 2 }, { nowMs: T0 + 21_001, ttlMs: 15_000 }),
    () => lease.acquire({ holderId: 'c', nowMs: T0 + 21_002, ttlMs: 15_000 }),
    // Two contenders at once on a free lease: one wins, the other's condition fails.
    () => lease.release({ holderId: 'c', fencingToken: 3 }, T0 + 22_000, 'clean stop'),
    () =>
      Promise.all([
        lease.acquire({ holderId: 'd', nowMs: T0 + 23_000, ttlMs: 15_000 }),
        lease.acquire({ holderId: 'e', nowMs: T0 + 23_000, ttlMs: 15_000 }),
      ]).then((results) => results.map((result) => (result.ok ? 'ok' : result.reason)).sort()),
    // Raw commands: conditions over types and missing attributes, upserts, pages, unknown tables.
    () =>
      client.send(new PutCommand({ TableName: tables.lease, Item: { pk: `${account}-raw`, n: 5, s: 'b' } })),
    ...[
      ['#n < :v', 6],
      ['#n < :v', 'x'],
      ['#n <> :v', 'x'],
      ['#s > :v', 'a'],
      // DynamoDB refuses a request with a name or value placeholder its expressions do not use.
      ['#s = :v', 'b', { '#unused': 'x' }],
      ['NOT (#n = :v)', 5],
      ['#missing = :v', 5],
      ['attribute_not_exists(#missing) AND #n >= :v', 5],
    ].map(
      ([condition, value, extraNames]) =>
        () =>
          client.send(
            new PutCommand({
              TableName: tables.lease,
              Item: { pk: `${account}-raw`, n: 5, s: 'b' },
              ConditionExpression: String(condition),
              ExpressionAttributeNames: {
                ...(extraNames as Record<string, string> | undefined),
                ...(String(condition).includes('#n') ? { '#n': 'n' } : {}),
                ...(String(condition).includes('#s') ? { '#s': 's' } : {}),
                ...(String(condition).includes('#missing') ? { '#missing': 'missing' } : {}),
              },
              ExpressionAttributeValues: { ':v': value },
            }),
          ),
    ),
    () =>
      client.send(
        new UpdateCommand({
          TableName: tables.lease,
          Key: { pk: `${account}-upsert` },
          UpdateExpression: 'SET #a = :a, #b = :b',
          ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
          ExpressionAttributeValues: { ':a': 1, ':b': null },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    () => client.send(new GetCommand({ TableName: tables.lease, Key: { pk: `${account}-upsert` } })),
    () =>
      client
        .send(
          new QueryCommand({
            TableName: tables.state,
            IndexName: 'working-orders',
            KeyConditionExpression: '#w = :w',
            ExpressionAttributeNames: { '#w': 'workingPk' },
            ExpressionAttributeValues: { ':w': workingOrdersPartition(account) },
            Limit: 2,
          }),
        )
        .then((output) => ({
          count: output.Count,
          keys: output.Items?.map((item) => item.sk),
          last: output.LastEvaluatedKey,
        })),
    () =>
      client.send(
        new BatchWriteCommand({
          RequestItems: { [tables.lease]: [{ DeleteRequest: { Key: { pk: `${account}-upsert` } } }] },
        }),
      ),
    () => client.send(new GetCommand({ TableName: tables.lease, Key: { pk: `${account}-upsert` } })),
    () => client.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'x' } })),
  ];
  const outcomes: unknown[] = [];
  for (const step of steps) outcomes.push(await outcome(step));
  return outcomes;
}

describe('Contract: MemoryDynamoClient answers as dynalite does', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'memory-contract' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('gives the same answer to every store, lease and raw-command step', async () => {
    const memory = new MemoryDynamoClient({
      tables: {
        [dynamo.tables.state]: TABLE_DEFINITIONS.state,
        [dynamo.tables.lease]: TABLE_DEFINITIONS.lease,
        [dynamo.tables.idempotency]: TABLE_DEFINITIONS.idempotency,
      },
    });
    const real = await script(client, dynamo.tables, 'acct-contract');
    const stood = await script(memory.asDocumentClient(), dynamo.tables, 'acct-contract');
    expect(stood).toHaveLength(real.length);
    stood.forEach((answer, step) => {
      expect({ step, answer }).toStrictEqual({ step, answer: real[step] });
    });
  });
});

describe('Class: MemoryDynamoClient faults', () => {
  const tables = { state: 'ft-state', lease: 'ft-lease', idempotency: 'ft-idem' };
  function clientWith(fault: MemoryDynamoFault | null) {
    const pending: (() => void)[] = [];
    const memory = new MemoryDynamoClient({
      tables: {
        [tables.state]: TABLE_DEFINITIONS.state,
        [tables.lease]: TABLE_DEFINITIONS.lease,
        [tables.idempotency]: TABLE_DEFINITIONS.idempotency,
      },
      timers: {
        setTimeout: (callback) => pending.push(callback),
        clearTimeout: () => undefined,
      },
      fault: () => fault,
    });
    return {
      memory,
      store: new DynamoStore({ client: memory.asDocumentClient(), tables, account: 'a' }),
      pending,
    };
  }

  it('throttles with ProvisionedThroughputExceededException before the write takes effect', async () => {
    const { memory, store } = clientWith({ kind: 'throttle' });
    await expect(store.putOrder(sampleOrder())).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(memory.scan(tables.state)).toStrictEqual([]);
  });

  it('fails with a 500 after the write took effect when asked to', async () => {
    const { memory, store } = clientWith({ kind: 'internal', when: 'after' });
    await expect(store.putOrder(sampleOrder())).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(memory.scan(tables.state)).toHaveLength(1);
  });

  it('leaves the items of a batch after the first `processed` unprocessed', async () => {
    const { memory, store } = clientWith({ kind: 'unprocessed', processed: 1 });
    const writes = [1, 2, 3].map((i) => store.writes.order(sampleOrder({ clientOrderId: `u-${i}` })));
    const { unprocessed } = await store.writeBatch(writes);
    expect(unprocessed.map((write) => write.key)).toStrictEqual([writes[1]!.key, writes[2]!.key]);
    expect(memory.scan(tables.state)).toHaveLength(1);
  });

  it('answers after the latency on its timers', async () => {
    const { store, pending } = clientWith({ kind: 'latency', ms: 100 });
    let answered = false;
    const put = store.putOrder(sampleOrder()).then(() => {
      answered = true;
    });
    await Promise.resolve();
    expect(answered).toBe(false);
    expect(pending).toHaveLength(1);
    pending[0]!();
    await put;
    expect(answered).toBe(true);
  });

  it('refuses a command it does not implement', async () => {
    const { memory } = clientWith(null);
    await expect(memory.send({ input: {} })).rejects.toThrow(/does not support/);
  });
});
