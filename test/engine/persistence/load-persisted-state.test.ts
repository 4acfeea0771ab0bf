import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPersistedState } from '../../../engine/persistence/load-persisted-state.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { POSITION_ITEM } from '../../../shared/store/items/position-item.ts';
import {
  sampleBreakerState,
  sampleFill,
  sampleOrder,
  samplePosition,
} from '../../shared/store/store-fixtures.ts';

describe('Function: loadPersistedState (against dynalite over loopback)', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'recovery-load-test' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('loads working orders, positions, the day’s fills and breaker state', async () => {
    const store = new DynamoStore({ client, tables: dynamo.tables, account: 'load-ok' });
    const working = sampleOrder({ clientOrderId: 'w-1', status: 'new' });
    await store.putOrder(working);
    await store.putOrder(sampleOrder({ clientOrderId: 'done-1', status: 'filled' }));
    await store.putPosition(samplePosition);
    await store.putFill(sampleFill);
    await store.putBreakerState(sampleBreakerState);

    expect(await loadPersistedState(store, '2026-11-24')).toStrictEqual({
      ok: true,
      state: {
        workingOrders: [working],
        positions: [samplePosition],
        fills: [sampleFill],
        breaker: sampleBreakerState,
      },
    });
  });

  it('starts empty for an account with no history', async () => {
    const store = new DynamoStore({ client, tables: dynamo.tables, account: 'load-new' });
    expect(await loadPersistedState(store, '2026-11-24')).toStrictEqual({
      ok: true,
      state: { workingOrders: [], positions: [], fills: [], breaker: null },
    });
  });

  it('refuses the whole load when an item is unreadable, naming it', async () => {
    const store = new DynamoStore({ client, tables: dynamo.tables, account: 'load-bad' });
    await store.putOrder(sampleOrder());
    const corrupt = { ...POSITION_ITEM.encode(store.account, samplePosition), qty: 12 };
    await client.send(new PutCommand({ TableName: dynamo.tables.state, Item: corrupt }));

    const load = await loadPersistedState(store, '2026-11-24');

    expect(load.ok).toBe(false);
    if (load.ok) return;
    expect(load.problems).toHaveLength(1);
    expect(load.message).toBe(
      'persisted state of account load-bad has 1 unreadable item(s): recovery-load-test-state item pk="load-bad#position" sk="BTC/USD" (position): qty: Invalid input: expected string, received number',
    );
  });
});
