import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderState } from '../../../engine/execution/order-state.ts';
import { OrderTracker } from '../../../engine/execution/order-tracker.ts';
import { type Fixed, parseFixed, SCALE } from '../../../shared/domain/fixed.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../../shared/domain/order.ts';
import {
  VENUE_ORDER_EVENTS,
  type VenueOrder,
  type VenueOrderEvent,
  type VenueOrderEventKind,
} from '../../../shared/venue/venue-types.ts';
import { execution, orderEvent, venueOrder } from './venue-order-fixture.ts';

const f = parseFixed;

function at(ns: number, overrides: Partial<VenueOrder>): VenueOrder {
  return venueOrder({ updatedAtNs: BigInt(ns), updatedAtMs: Math.floor(ns / 1e6), ...overrides });
}

describe('Class: OrderState', () => {
  it('books a fill reported by the stream before the POST answer only once', () => {
    const tracker = new OrderTracker();
    tracker.register({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'buy', qty: f('10') });
    const filled = at(3, { status: 'filled', filledQty: f('10'), filledAvgPrice: f('100') });
    const streamed = tracker.onOrderEvent(orderEvent('fill', filled, execution('e1', '10', '100')));
    const late = tracker.onOrder(at(1, { status: 'accepted' }));

    expect(streamed.bookings.map((fill) => [fill.executionId, fill.qty])).toStrictEqual([['e1', f('10')]]);
    expect(late.bookings).toStrictEqual([]);
    expect(tracker.get('client-1')?.status).toBe('filled');
  });

  it('books what a final report says was filled when an execution was lost, and a late one not again', () => {
    const tracker = new OrderTracker();
    tracker.register({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'buy', qty: f('10') });
    const partial = at(2, { status: 'partially_filled', filledQty: f('4'), filledAvgPrice: f('100') });
    tracker.onOrderEvent(orderEvent('partial_fill', partial, execution('e1', '4', '100')));
    // e2 (3 at 101) never arrives; the final fill event reports the cumulative 10.
    const filled = at(4, { status: 'filled', filledQty: f('10'), filledAvgPrice: f('100.6') });
    const final = tracker.onOrderEvent(orderEvent('fill', filled, execution('e3', '3', '101')));
    const late = tracker.onOrderEvent(orderEvent('partial_fill', filled, execution('e2', '3', '101')));

    expect(final.bookings.map((fill) => [fill.executionId, fill.qty, fill.price])).toStrictEqual([
      ['e3', f('3'), f('101')],
      ['reconciled:order-1:10', f('3'), f('101')],
    ]);
    expect(late.bookings).toStrictEqual([]);
    expect(tracker.get('client-1')?.view()).toMatchObject({ filledQty: f('10'), bookedQty: f('10') });
    expect(tracker.get('client-1')?.isSettled).toBe(true);
  });

  it('leaves what a final answer by REST reports filled unbooked until a snapshot or the stream books it', () => {
    const tracker = new OrderTracker();
    tracker.register({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'sell', qty: f('10') });
    // The lookup after an unknown outcome finds the order filled; its events were lost in an outage.
    const filled = at(3, { side: 'sell', status: 'filled', filledQty: f('10'), filledAvgPrice: f('100') });
    expect(tracker.onOrder(filled).bookings).toStrictEqual([]);
    const state = tracker.get('client-1')!;
    expect([state.isTerminal, state.isSettled, state.unbookedQty]).toStrictEqual([true, false, f('10')]);

    expect(tracker.reconcile(filled).bookings.map((fill) => fill.qty)).toStrictEqual([f('10')]);
    expect([state.isSettled, state.unbookedQty, state.bookedQty]).toStrictEqual([true, f('0'), f('10')]);
  });

  it('de-duplicates a fill replayed after a reconnect by execution id', () => {
    const tracker = new OrderTracker();
    const partial = at(2, { status: 'partially_filled', filledQty: f('4'), filledAvgPrice: f('100') });
    const update = orderEvent('partial_fill', partial, execution('e1', '4', '100'));
    expect(tracker.onOrderEvent(update).bookings).toHaveLength(1);
    expect(tracker.onOrderEvent(update).bookings).toHaveLength(0);
    expect(tracker.get('client-1')?.view()).toMatchObject({ filledQty: f('4'), bookedQty: f('4') });
  });

  it('raises an overfill alarm and books no more than the order quantity', () => {
    const tracker = new OrderTracker();
    const first = at(2, { status: 'partially_filled', filledQty: f('6') });
    tracker.onOrderEvent(orderEvent('partial_fill', first, execution('e1', '6', '100')));
    const second = at(3, { status: 'filled', filledQty: f('12') });
    const effects = tracker.onOrderEvent(orderEvent('fill', second, execution('e2', '6', '101')));

    expect(effects.bookings.map((fill) => fill.qty)).toStrictEqual([f('4')]);
    expect(effects.alarms).toStrictEqual([
      {
        kind: 'overfill',
        clientOrderId: 'client-1',
        orderId: 'order-1',
        orderQty: f('10'),
        filledQty: f('12'),
      },
    ]);
    expect(tracker.get('client-1')?.view().bookedQty).toBe(f('10'));
  });

  it('alarms on one execution id reported with two different quantities', () => {
    const tracker = new OrderTracker();
    const order = at(2, { status: 'partially_filled', filledQty: f('4') });
    tracker.onOrderEvent(orderEvent('partial_fill', order, execution('e1', '4', '100')));
    const effects = tracker.onOrderEvent(orderEvent('partial_fill', order, execution('e1', '5', '100')));
    expect(effects).toStrictEqual({
      bookings: [],
      alarms: [{ kind: 'conflicting_execution', clientOrderId: 'client-1', executionId: 'e1' }],
    });
  });

  it('returns to working after a rejected cancel, even within the same millisecond', () => {
    const state = new OrderState({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'buy', qty: f('10') });
    state.observe(at(5_000_100, { status: 'pending_cancel' }));
    state.observe(at(5_000_200, { status: 'new' }));
    expect(state.status).toBe('new');
  });

  it('is partially_filled while working with a fill, and the remaining quantity sizes a replacement', () => {
    const state = new OrderState({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'buy', qty: f('10') });
    state.observe(at(1, { status: 'new' }));
    state.recordExecution(execution('e1', '3', '100'), f('3'));
    expect(state.status).toBe('partially_filled');
    expect(state.remainingQty).toBe(f('7'));
  });

  it('reconciles a cumulative fill missed during an outage once, at the broker average price', () => {
    const tracker = new OrderTracker();
    tracker.onOrderEvent(
      orderEvent(
        'partial_fill',
        at(2, { status: 'partially_filled', filledQty: f('2') }),
        execution('e1', '2', '100'),
      ),
    );
    const snapshot = at(9, { status: 'filled', filledQty: f('10'), filledAvgPrice: f('100.8') });
    const reconciled = tracker.reconcile(snapshot);
    expect(reconciled.bookings).toMatchObject([
      { executionId: 'reconciled:order-1:10', qty: f('8'), price: f('101') },
    ]);
    // The missed execution arriving afterwards is recorded but not booked again.
    const late = tracker.onOrderEvent(orderEvent('fill', snapshot, execution('e2', '8', '101')));
    expect(late.bookings).toStrictEqual([]);
    expect(tracker.get('client-1')?.view()).toMatchObject({ bookedQty: f('10'), filledQty: f('10') });
    expect(tracker.reconcile(snapshot).bookings).toStrictEqual([]);
  });

  it('after a restart reconciled an order, books an execution beyond the reconciled quantity (simtest seed 7914)', () => {
    // Prepare: a restarted engine, which never saw the executions that filled the first 5.
    const tracker = new OrderTracker();
    const snapshot = at(9, { status: 'partially_filled', filledQty: f('5'), filledAvgPrice: f('120') });
    expect(tracker.reconcile(snapshot).bookings).toMatchObject([{ qty: f('5'), price: f('120') }]);

    // Act: the order fills one more.
    const later = at(12, { status: 'partially_filled', filledQty: f('6'), filledAvgPrice: f('120.1') });
    const effects = tracker.onOrderEvent(orderEvent('partial_fill', later, execution('e6', '1', '120.6')));

    // Assess
    expect(effects.bookings.map((fill) => [fill.executionId, fill.qty, fill.price])).toStrictEqual([
      ['e6', f('1'), f('120.6')],
    ]);
    expect(tracker.get('client-1')?.view()).toMatchObject({ bookedQty: f('6'), filledQty: f('6') });
  });

  it('after a reconciliation, books executions beyond it whatever their order, and the ones within it not again', () => {
    const tracker = new OrderTracker();
    tracker.reconcile(at(9, { status: 'partially_filled', filledQty: f('5'), filledAvgPrice: f('100') }));
    const event = (id: string, qty: string, filledQty: string) =>
      tracker.onOrderEvent(
        orderEvent(
          'partial_fill',
          at(10 + Number(filledQty), { status: 'partially_filled', filledQty: f(filledQty) }),
          execution(id, qty, '101'),
        ),
      ).bookings;

    // e8 (fills 7 to 8) arrives before e7 (5 to 7); e5 (3 to 5), which the snapshot covered, arrives late;
    // e6 straddles: it filled 4 to 6, of which only the part beyond 5 is new.
    expect(event('e8', '1', '8').map((fill) => fill.qty)).toStrictEqual([f('1')]);
    expect(event('e7', '2', '7').map((fill) => fill.qty)).toStrictEqual([f('2')]);
    expect(event('e5', '2', '5')).toStrictEqual([]);
    expect(tracker.get('client-1')?.view().bookedQty).toBe(f('8'));

    const second = new OrderTracker();
    second.reconcile(at(9, { status: 'partially_filled', filledQty: f('5'), filledAvgPrice: f('100') }));
    const straddling = second.onOrderEvent(
      orderEvent(
        'partial_fill',
        at(16, { status: 'partially_filled', filledQty: f('6') }),
        execution('e6', '2', '101'),
      ),
    );
    expect(straddling.bookings.map((fill) => fill.qty)).toStrictEqual([f('1')]);
  });

  it('a second reconciliation books only what no execution since the first explains, at the broker average', () => {
    const tracker = new OrderTracker();
    tracker.reconcile(at(9, { status: 'partially_filled', filledQty: f('2'), filledAvgPrice: f('100') }));
    // 2 to 4 (at 105) is lost in an outage; e5 fills 4 to 5 at 110 and arrives.
    const after = at(15, { status: 'partially_filled', filledQty: f('5'), filledAvgPrice: f('104') });
    tracker.onOrderEvent(orderEvent('partial_fill', after, execution('e5', '1', '110')));

    const effects = tracker.reconcile(after);

    expect(effects.bookings.map((fill) => [fill.executionId, fill.qty, fill.price])).toStrictEqual([
      ['reconciled:order-1:5', f('2'), f('105')],
    ]);
    expect(tracker.get('client-1')?.view().bookedQty).toBe(f('5'));
  });

  it('adopts an order it did not place from its first report', () => {
    const tracker = new OrderTracker();
    const effects = tracker.onOrderEvent(
      orderEvent(
        'fill',
        at(2, { id: 'manual', clientOrderId: 'web-1', status: 'filled', filledQty: f('1'), side: 'sell' }),
        execution('e9', '1', '99'),
      ),
    );
    expect(effects.bookings).toMatchObject([{ clientOrderId: 'web-1', side: 'sell', orderId: 'manual' }]);
    expect(tracker.getByOrderId('manual')?.clientOrderId).toBe('web-1');
  });

  it('forgets only finished orders, and then ignores late reports about them', () => {
    const tracker = new OrderTracker();
    tracker.register({ clientOrderId: 'open', symbol: 'AAPL', side: 'buy', qty: f('1') });
    const filled = at(2, { status: 'filled', filledQty: f('10') });
    const fill = orderEvent('fill', filled, execution('e1', '10', '100'));
    tracker.onOrderEvent(fill);

    expect(tracker.forget('open')).toBe(false);
    expect(tracker.forget('client-1')).toBe(true);
    expect(tracker.size).toBe(1);
    expect(tracker.knows('client-1')).toBe(true);
    expect(tracker.onOrderEvent(fill)).toStrictEqual({ bookings: [], alarms: [] });
    expect(tracker.reconcile(filled).bookings).toStrictEqual([]);
    expect(tracker.get('client-1')).toBeUndefined();
  });

  it.each(ORDER_STATUSES)('accepts the %s status from the broker', (status: OrderStatus) => {
    const state = new OrderState({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'buy', qty: f('10') });
    state.observe(at(1, { status }));
    expect(state.status).toBe(status);
  });

  /** The order status each event carries (https://docs.alpaca.markets/docs/websocket-streaming). */
  const STATUS_AFTER_EVENT: Readonly<Record<VenueOrderEventKind, OrderStatus>> = {
    new: 'new',
    fill: 'filled',
    partial_fill: 'partially_filled',
    canceled: 'canceled',
    expired: 'expired',
    done_for_day: 'done_for_day',
    replaced: 'replaced',
    accepted: 'accepted',
    rejected: 'rejected',
    pending_new: 'pending_new',
    stopped: 'stopped',
    pending_cancel: 'pending_cancel',
    pending_replace: 'pending_replace',
    calculated: 'calculated',
    suspended: 'suspended',
    order_replace_rejected: 'new',
    order_cancel_rejected: 'new',
  };

  it.each(VENUE_ORDER_EVENTS)('follows a %s event after the order was working', (event) => {
    const tracker = new OrderTracker();
    tracker.onOrderEvent(orderEvent('new', at(1, { status: 'new' })));
    const status = STATUS_AFTER_EVENT[event];
    const filling = event === 'fill' || event === 'partial_fill';
    const filledQty = event === 'fill' ? f('10') : event === 'partial_fill' ? f('4') : f('0');
    const effects = tracker.onOrderEvent(
      orderEvent(
        event,
        at(2, { status, filledQty }),
        filling ? execution('e1', event === 'fill' ? '10' : '4', '100') : null,
      ),
    );
    expect(tracker.get('client-1')?.status).toBe(status);
    expect(effects.bookings.map((fill) => fill.qty)).toStrictEqual(filling ? [filledQty] : []);
  });

  it('keeps a terminal status whatever non-terminal report arrives later', () => {
    const state = new OrderState({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'buy', qty: f('10') });
    state.observe(at(2, { status: 'canceled' }));
    state.observe(at(3, { status: 'pending_cancel' }));
    expect(state.status).toBe('canceled');
    expect(state.isTerminal).toBe(true);
  });
});

/** A plausible lifecycle: acknowledgements, partial fills, maybe a rejected cancel, an ending. */
const lifecycleArbitrary = fc
  .record({
    qty: fc.integer({ min: 1, max: 20 }),
    fillSizes: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 6 }),
    cancelRejected: fc.boolean(),
    ending: fc.constantFrom('filled', 'canceled', 'expired', 'working'),
    restSnapshotsAt: fc.array(fc.nat(), { maxLength: 4 }),
  })
  .map(({ qty, fillSizes, cancelRejected, ending, restSnapshotsAt }) => {
    const updates: VenueOrderEvent[] = [];
    let version = 1_000;
    let cumulative = 0;
    const total = BigInt(qty) * SCALE;
    const snapshot = (status: OrderStatus): VenueOrder => {
      version += 7;
      return at(version, { qty: total as Fixed, status, filledQty: (BigInt(cumulative) * SCALE) as Fixed });
    };
    updates.push(orderEvent('pending_new', snapshot('pending_new')));
    updates.push(orderEvent('new', snapshot('new')));
    if (cancelRejected) {
      updates.push(orderEvent('pending_cancel', snapshot('pending_cancel')));
      updates.push(orderEvent('order_cancel_rejected', snapshot('new')));
    }
    fillSizes.forEach((size, index) => {
      const fillQty = Math.min(size, qty - cumulative);
      if (fillQty <= 0) return;
      cumulative += fillQty;
      const done = cumulative === qty;
      updates.push(
        orderEvent(
          done ? 'fill' : 'partial_fill',
          snapshot(done ? 'filled' : 'partially_filled'),
          execution(`e${index}`, String(fillQty), String(100 + index)),
        ),
      );
    });
    if (cumulative < qty && (ending === 'canceled' || ending === 'expired')) {
      updates.push(orderEvent(ending, snapshot(ending)));
    }
    // REST answers are snapshots of the order at some point of its life, without executions.
    const rest = restSnapshotsAt.map((index) => updates[index % updates.length]!.order);
    return { updates, rest };
  });

type Observation = { readonly update: VenueOrderEvent } | { readonly order: VenueOrder };

function replay(observations: readonly Observation[]) {
  const tracker = new OrderTracker();
  tracker.register({ clientOrderId: 'client-1', symbol: 'AAPL', side: 'buy', qty: 0n as Fixed });
  const bookedIds = new Set<string>();
  let bookedQty = 0n;
  for (const observation of observations) {
    const effects =
      'update' in observation ? tracker.onOrderEvent(observation.update) : tracker.onOrder(observation.order);
    for (const booking of effects.bookings) {
      expect(bookedIds.has(booking.executionId)).toBe(false);
      bookedIds.add(booking.executionId);
      bookedQty += booking.qty;
    }
  }
  const view = tracker.get('client-1')!.view();
  return { view, bookedIds: [...bookedIds].sort(), bookedQty };
}

describe('Property: OrderState is independent of arrival order and repetition', () => {
  it('permuted and duplicated observations give the same final state, executions and bookings', () => {
    fc.assert(
      fc.property(
        lifecycleArbitrary,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.infiniteStream(fc.double({ noNaN: true })),
        ({ updates, rest }, duplicates, sortKeys) => {
          const inOrder: Observation[] = [
            ...updates.map((update) => ({ update })),
            ...rest.map((order) => ({ order })),
          ];
          const extra = duplicates.map((index) => inOrder[index % inOrder.length]!);
          const shuffled = [...inOrder, ...extra]
            .map((observation) => ({ observation, key: sortKeys.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map(({ observation }) => observation);

          const expected = replay(inOrder);
          const actual = replay(shuffled);
          expect(actual).toStrictEqual(expected);
          expect(actual.bookedQty).toBe(actual.view.filledQty);
        },
      ),
      { numRuns: 400 },
    );
  });
});
