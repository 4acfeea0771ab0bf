import { describe, expect, it } from 'vitest';
import { OrderBlotter } from '../../../engine/control/order-blotter.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { venueOrder } from '../execution/venue-order-fixture.ts';

const blotter = () => new OrderBlotter(() => 'operator');
const request = {
  symbol: 'AAPL',
  qty: parseFixed('10'),
  side: 'buy' as const,
  type: 'limit' as const,
  timeInForce: 'day' as const,
  clientOrderId: 'client-1',
  limitPrice: parseFixed('100'),
};

describe('Class: OrderBlotter', () => {
  it('shows an order as sent, then as the venue reports it, and moves it to the closed list when it ends', () => {
    const orders = blotter();
    orders.sending(request, undefined, 5_000);
    expect(orders.open()).toMatchObject([
      { clientOrderId: 'client-1', status: 'pending_new', orderId: null, limitPrice: '100' },
    ]);
    orders.reported(venueOrder({ status: 'new' }), undefined);
    expect(orders.open()).toMatchObject([{ status: 'new', orderId: 'order-1', origin: 'operator' }]);
    orders.reported(
      venueOrder({
        status: 'filled',
        filledQty: parseFixed('10'),
        filledAvgPrice: parseFixed('99.5'),
        updatedAtNs: 2_000_000_000n,
      }),
      undefined,
    );
    expect(orders.open()).toStrictEqual([]);
    expect(orders.finished()).toMatchObject([{ status: 'filled', filledQty: '10', filledAvgPrice: '99.5' }]);
  });

  it('does not reopen a filled order when the answer to its request arrives after the fill', () => {
    const orders = blotter();
    orders.sending(request, undefined, 5_000);
    orders.reported(
      venueOrder({ status: 'filled', filledQty: parseFixed('10'), updatedAtNs: 2_000_000_000n }),
      undefined,
    );
    // The POST's answer, older than the fill's report.
    orders.reported(venueOrder({ status: 'new', updatedAtNs: 1_000_000_000n }), undefined);
    orders.reported(venueOrder({ status: 'accepted', updatedAtNs: 3_000_000_000n }), undefined);
    expect(orders.open()).toStrictEqual([]);
    expect(orders.get('client-1')).toMatchObject({ status: 'filled' });
  });

  it('closes a sent order the tracker settled without a venue report (a rejected send)', () => {
    const orders = blotter();
    orders.sending(request, undefined, 5_000);
    orders.statusChanged('client-1', 'new', 6_000);
    expect(orders.open()).toHaveLength(1);
    orders.statusChanged('client-1', 'rejected', 7_000);
    expect(orders.open()).toStrictEqual([]);
    expect(orders.finished()).toMatchObject([
      { status: 'rejected', updatedAt: new Date(7_000).toISOString() },
    ]);
  });

  it('keeps the last 500 finished orders', () => {
    const orders = blotter();
    for (let i = 0; i < 600; i++)
      orders.reported(venueOrder({ clientOrderId: `c-${i}`, id: `o-${i}`, status: 'canceled' }), undefined);
    const finished = orders.finished();
    expect(finished).toHaveLength(500);
    expect(finished[0]!.clientOrderId).toBe('c-599');
    expect(orders.get('c-99')).toBeUndefined();
  });
});
