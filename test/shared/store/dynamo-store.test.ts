import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import type { ItemProblem } from '../../../shared/store/item-codec.ts';
import { ORDER_ITEM } from '../../../shared/store/items/order-item.ts';
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

describe('Class: DynamoStore (against dynalite over loopback)', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;
  let accountNumber = 0;
  const reported: ItemProblem[] = [];

  /** A fresh account per test keeps tests independent on one server. */
  function freshStore(): DynamoStore {
    accountNumber += 1;
    return new DynamoStore({
      client,
      tables: dynamo.tables,
      account: `acct-${accountNumber}`,
      onProblem: (problem) => reported.push(problem),
    });
  }

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'store-test' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('round-trips an order, found by client_order_id and in the account listing', async () => {
    const store = freshStore();
    const order = sampleOrder();
    await store.putOrder(order);
    expect(await store.getOrder(order.clientOrderId)).toStrictEqual({ status: 'found', value: order });
    expect(await store.listOrders()).toStrictEqual({ items: [order], problems: [] });
    expect(await store.getOrder('nope')).toStrictEqual({ status: 'absent' });
  });

  it('lists only working orders from the working-orders index, and drops an order from it once terminal', async () => {
    const store = freshStore();
    const working = sampleOrder({ clientOrderId: 'c-1', status: 'new' });
    const done = sampleOrder({ clientOrderId: 'c-2', status: 'filled', filledQty: parseFixed('10') });
    const external = sampleOrder({
      clientOrderId: 'c-3',
      status: 'accepted',
      origin: 'external',
      fencingToken: null,
    });
    await Promise.all([store.putOrder(working), store.putOrder(done), store.putOrder(external)]);
    expect((await store.listWorkingOrders()).items.map((o) => o.clientOrderId)).toStrictEqual(['c-1', 'c-3']);

    await store.putOrder({ ...working, status: 'canceled' });
    expect((await store.listWorkingOrders()).items.map((o) => o.clientOrderId)).toStrictEqual(['c-3']);
  });

  it('round-trips fills by New York day and records a duplicate execution once', async () => {
    const store = freshStore();
    await store.putFill(sampleFill);
    await store.putFill({ ...sampleFill });
    expect(await store.listFills('2026-11-24')).toStrictEqual({ items: [sampleFill], problems: [] });
    expect((await store.listFills('2026-11-23')).items).toStrictEqual([]);
  });

  it('round-trips position snapshots and breaker state', async () => {
    const store = freshStore();
    await store.putPosition(samplePosition);
    await store.putBreakerState(sampleBreakerState);
    expect(await store.listPositions()).toStrictEqual({ items: [samplePosition], problems: [] });
    expect(await store.getBreakerState()).toStrictEqual({ status: 'found', value: sampleBreakerState });
  });

  it('round-trips breaker transitions, risk events and audit entries in time order from a point in time', async () => {
    const store = freshStore();
    const later = {
      ...sampleBreakerTransition,
      from: 'halted',
      to: 'normal',
      reason: 'operator_reset',
      operator: 'jane',
      atMs: T0 + 60_000,
    };
    await store.putBreakerTransition(later);
    await store.putBreakerTransition(sampleBreakerTransition);
    await store.putBreakerState(sampleBreakerState);
    await store.putRiskEvent(sampleRiskEvent);
    await store.putAuditEntry(sampleAuditEntry);
    expect((await store.listBreakerTransitions(0)).items).toStrictEqual([sampleBreakerTransition, later]);
    expect((await store.listBreakerTransitions(T0 + 1)).items).toStrictEqual([later]);
    expect(await store.listRiskEvents('2026-11-24')).toStrictEqual({
      items: [sampleRiskEvent],
      problems: [],
    });
    expect(await store.listAuditEntries(T0)).toStrictEqual({ items: [sampleAuditEntry], problems: [] });
    expect((await store.listAuditEntries(T0 + 10)).items).toStrictEqual([]);
  });

  it('claims an idempotency key once and hands the first record to a retry', async () => {
    const store = freshStore();
    expect(await store.claimIdempotencyKey(sampleIdempotencyRecord)).toStrictEqual({ status: 'claimed' });
    await store.completeIdempotencyKey(sampleIdempotencyRecord.key, '{"closed":3}');
    const retry = await store.claimIdempotencyKey({ ...sampleIdempotencyRecord, createdAtMs: T0 + 1000 });
    expect(retry).toStrictEqual({
      status: 'exists',
      record: { ...sampleIdempotencyRecord, status: 'completed', result: '{"closed":3}' },
    });
  });

  it('lets an expired idempotency key be claimed again', async () => {
    const store = freshStore();
    await store.claimIdempotencyKey(sampleIdempotencyRecord);
    const muchLater = sampleIdempotencyRecord.expiresAtMs + 1000;
    const again = { ...sampleIdempotencyRecord, createdAtMs: muchLater, expiresAtMs: muchLater + 1000 };
    expect(await store.claimIdempotencyKey(again)).toStrictEqual({ status: 'claimed' });
  });

  it('reports a corrupt item and an older-schema item with their keys, beside the good ones', async () => {
    const store = freshStore();
    const good = sampleOrder({ clientOrderId: 'good' });
    await store.putOrder(good);
    const corrupt = {
      ...ORDER_ITEM.encode(store.account, sampleOrder({ clientOrderId: 'corrupt' })),
      qty: 'ten',
    };
    const old = { ...ORDER_ITEM.encode(store.account, sampleOrder({ clientOrderId: 'old' })), v: 0 };
    for (const item of [corrupt, old]) {
      await client.send(new PutCommand({ TableName: dynamo.tables.state, Item: item }));
    }
    reported.length = 0;

    const listed = await store.listOrders();

    expect(listed.items).toStrictEqual([good]);
    expect(listed.problems.map((p) => [p.key.sk, p.reason])).toStrictEqual([
      ['corrupt', 'corrupt'],
      ['old', 'older_schema'],
    ]);
    expect(listed.problems[0]?.message).toContain(`pk="${store.account}#order" sk="corrupt"`);
    expect(reported).toStrictEqual(listed.problems);
    expect(await store.getOrder('old')).toStrictEqual({ status: 'invalid', problem: listed.problems[1] });
  });

  it('writes a batch and returns nothing unprocessed', async () => {
    const store = freshStore();
    const writes = Array.from({ length: 25 }, (_, i) =>
      store.writes.order(sampleOrder({ clientOrderId: `b-${i}` })),
    );
    expect(await store.writeBatch(writes)).toStrictEqual({ unprocessed: [] });
    expect((await store.listOrders()).items).toHaveLength(25);
  });
});
