import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOwnClientOrderId } from '../../../engine/execution/client-order-id.ts';
import { EngineRecorder } from '../../../engine/persistence/engine-recorder.ts';
import { createPersistence, type Persistence } from '../../../engine/persistence/persistence.ts';
import { Portfolio } from '../../../engine/portfolio/portfolio.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import type { Fill } from '../../../shared/domain/fill.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { StateWriteEncoder } from '../../../shared/store/pending-write.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { sampleOrder } from '../../shared/store/store-fixtures.ts';

const T0 = Date.parse('2026-11-24T15:00:00Z');
const DAY = '2026-11-24';
const f = parseFixed;

function fill(executionId: string, qty: string, price: string, clientOrderId = 'ae1-order-1'): Fill {
  return {
    executionId,
    orderId: 'order-1',
    clientOrderId,
    symbol: 'AAPL',
    side: 'buy',
    qty: f(qty),
    price: f(price),
    timestampMs: T0,
  };
}

describe('Class: EngineRecorder (against dynalite over loopback)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'recorder-test' });
  });
  afterAll(async () => {
    await dynamo.close();
  });

  function persistenceFor(account: string): Persistence {
    return createPersistence({
      store: { region: dynamo.region, tablePrefix: 'recorder-test', endpoint: dynamo.endpoint },
      accountName: account,
      clock: new ManualClock(T0),
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      onLeaseLost: () => {},
    });
  }

  function recorderFor(persistence: Persistence, clock: ManualClock): EngineRecorder {
    return new EngineRecorder({
      queue: persistence.queue,
      writes: persistence.store.writes,
      portfolio: new Portfolio(clock),
      clock,
      fencingToken: () => 7,
    });
  }

  it('after a restart stores only the part of a reconciled fill the store did not hold, at the price that keeps the average', async () => {
    const clock = new ManualClock(T0);
    const before = persistenceFor('restart');
    const first = recorderFor(before, clock);
    first.fill(fill('exec-1', '4', '100'), f('0'));
    await before.close(5_000);

    // The process died after 4 of 10 shares were stored; the broker reports 10 filled at avg 100.6.
    const after = persistenceFor('restart');
    const stored = await after.store.listFills(DAY);
    const second = recorderFor(after, clock);
    second.restore([], stored.items);
    second.fill(fill('reconciled:order-1:10', '10', '100.6'), f('0'));
    // A later resync finds 2 more filled: the tracker books just that increment.
    second.fill(fill('reconciled:order-1:12', '2', '99'), f('0'));
    await after.close(5_000);

    const fills = (await persistenceFor('restart').store.listFills(DAY)).items;
    const total = fills.reduce((sum, item) => sum + item.qty, 0n);
    const notional = fills.reduce((sum, item) => sum + item.qty * item.price, 0n);
    expect(fills.map((item) => item.executionId).sort()).toStrictEqual([
      'exec-1',
      'reconciled:order-1:10',
      'reconciled:order-1:12',
    ]);
    expect(total).toBe(f('12'));
    expect(notional).toBe(f('10') * f('100.6') + f('2') * f('99'));
    expect(fills.find((item) => item.executionId.startsWith('reconciled'))).toMatchObject({
      qty: f('6'),
      price: f('101'),
    });
  });

  it('stores nothing more when the store already held every fill of the order', async () => {
    const clock = new ManualClock(T0);
    const persistence = persistenceFor('complete');
    const recorder = recorderFor(persistence, clock);
    recorder.restore(
      [],
      [fill('exec-a', '3', '50', 'ae1-order-2'), fill('exec-b', '2', '55', 'ae1-order-2')],
    );
    recorder.fill(fill('reconciled:order-2:5', '5', '52', 'ae1-order-2'), f('0'));
    await persistence.close(5_000);
    expect((await persistenceFor('complete').store.listFills(DAY)).items).toStrictEqual([]);
  });

  it('records an order before it is sent, and never lets that record overwrite the broker answer', async () => {
    const clock = new ManualClock(T0);
    const persistence = persistenceFor('submitted');
    const recorder = recorderFor(persistence, clock);
    const intent = {
      intentId: 'intent-9',
      strategyId: 'momentum',
      symbol: 'AAPL',
      assetClass: 'us_equity',
      side: 'buy',
      qty: f('10'),
      type: 'limit',
      timeInForce: 'day',
      limitPrice: f('187.66'),
      referencePrice: f('187.66'),
      purpose: 'entry',
      createdAtMs: T0,
    } as const;
    const request = {
      symbol: 'AAPL',
      qty: f('10'),
      side: 'buy',
      type: 'limit',
      timeInForce: 'day',
      clientOrderId: 'ae1-sent',
      limitPrice: f('187.66'),
    } as const;
    recorder.submitted(request, intent);
    recorder.flushSubmitted();

    // A second submission whose broker answer arrives before the deferred record is built.
    recorder.submitted({ ...request, clientOrderId: 'ae1-answered' }, { ...intent, intentId: 'intent-10' });
    recorder.order(
      {
        ...sampleOrder({ clientOrderId: 'ae1-answered', intentId: 'intent-10' }),
        id: 'order-answered',
        updatedAtNs: 1n,
        orderClass: '',
      },
      { ...intent, intentId: 'intent-10' },
    );
    recorder.flushSubmitted();
    await persistence.close(5_000);

    const reader = persistenceFor('submitted');
    expect(await reader.store.getOrder('ae1-sent')).toMatchObject({
      status: 'found',
      value: {
        status: 'pending_new',
        id: null,
        origin: 'engine',
        intentId: 'intent-9',
        fencingToken: 7,
        referencePrice: f('187.66'),
        qty: f('10'),
      },
    });
    expect(await reader.store.getOrder('ae1-answered')).toMatchObject({
      status: 'found',
      value: {
        status: 'partially_filled',
        filledQty: f('2.5'),
        intentId: 'intent-10',
        referencePrice: f('187.66'),
      },
    });
    await reader.close(100);
  });

  it('forgets what it keeps about an order once told to, so memory stays bounded', () => {
    const clock = new ManualClock(T0);
    const recorder = new EngineRecorder({
      queue: { enqueue: () => true },
      writes: new StateWriteEncoder('forget', 'forget-state'),
      portfolio: new Portfolio(clock),
      clock,
      fencingToken: () => 3,
    });
    const answer = (clientOrderId: string) => ({
      ...sampleOrder({ clientOrderId }),
      id: `id-${clientOrderId}`,
      updatedAtNs: 1n,
      orderClass: '',
    });
    recorder.order(answer('ae1-kept'), undefined);
    recorder.order(answer('ae1-done'), undefined);
    recorder.forget('ae1-done');
    expect(recorder.provenanceOf('ae1-kept')).toMatchObject({ origin: 'engine' });
    expect(recorder.provenanceOf('ae1-done')).toBeUndefined();
  });

  it('tells its own orders from external ones by the client order id', () => {
    expect(isOwnClientOrderId('ae1-XbhEuFYEAGR5W1VpjPeiepjMouvLgD-Z')).toBe(true);
    expect(isOwnClientOrderId('my-manual-order')).toBe(false);
  });
});
