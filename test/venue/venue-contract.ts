/**
 * The venue contract: what the execution core may rely on from any venue, run unchanged against
 * the in-process venue and the Alpaca adapter talking to the HTTP simulator. A venue test file
 * calls `venueContract` with a way to open a fresh venue whose prices the test sets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import { VenueRejectedError } from '../../shared/venue/venue-errors.ts';
import type { OrderRequest, VenueOrderEvent } from '../../shared/venue/venue-types.ts';

export interface VenueUnderTest {
  readonly venue: TradingVenue;
  /** Publishes a quote (and holds the symbol there). */
  quote(symbol: string, bidPrice: number, askPrice: number, size?: number): Promise<void>;
  /** Lets the venue work (real or virtual time) until `check` holds; fails after a bound. */
  eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void>;
  close(): Promise<void>;
}

const f = parseFixed;
let sequence = 0;

function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  sequence += 1;
  return {
    symbol: 'AAPL',
    qty: f('10'),
    side: 'buy',
    type: 'market',
    timeInForce: 'day',
    clientOrderId: `contract-${process.pid}-${sequence}`,
    ...overrides,
  };
}

export function venueContract(name: string, open: () => Promise<VenueUnderTest>): void {
  describe(`Venue contract: ${name}`, () => {
    let subject: VenueUnderTest;
    let events: VenueOrderEvent[];

    beforeEach(async () => {
      subject = await open();
      events = [];
      subject.venue.onOrderEvent((event) => events.push(event));
      await subject.quote('AAPL', 100, 100.02);
    });

    afterEach(async () => {
      await subject.close();
    });

    const eventsOf = (orderId: string) =>
      events.filter((event) => event.order.id === orderId).map((event) => event.event);

    it('fills a market buy at the ask, reports the execution, and holds the position', async () => {
      const placed = await subject.venue.submitOrder(order());
      expect(placed).toMatchObject({ symbol: 'AAPL', side: 'buy', qty: f('10'), filledQty: f('0') });
      await subject.eventually('filled', () => eventsOf(placed.id).includes('fill'));
      const fill = events.find((event) => event.order.id === placed.id && event.event === 'fill');
      expect(fill?.execution).toMatchObject({ qty: f('10'), price: f('100.02'), positionQty: f('10') });
      expect(await subject.venue.getOrder(placed.id)).toMatchObject({
        status: 'filled',
        filledQty: f('10'),
        filledAvgPrice: f('100.02'),
      });
      const positions = await subject.venue.listPositions();
      expect(positions.map((p) => [p.symbol, p.qty, p.avgEntryPrice])).toStrictEqual([
        ['AAPL', f('10'), f('100.02')],
      ]);
    });

    it('rests a limit buy under the market until cancelled', async () => {
      const placed = await subject.venue.submitOrder(order({ type: 'limit', limitPrice: f('95') }));
      await subject.eventually(
        'working',
        async () => (await subject.venue.getOrder(placed.id))?.status === 'new',
      );
      await subject.venue.cancelOrder(placed.id);
      await subject.eventually('canceled', () => eventsOf(placed.id).includes('canceled'));
      expect((await subject.venue.getOrder(placed.id))?.status).toBe('canceled');
      expect(await subject.venue.listOrders({ status: 'open' })).toStrictEqual([]);
    });

    it('refuses a second order with the same client_order_id, and finds orders by it', async () => {
      const first = order({ type: 'limit', limitPrice: f('95') });
      const placed = await subject.venue.submitOrder(first);
      const second = await subject.venue.submitOrder(first).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(VenueRejectedError);
      expect(second).toMatchObject({ status: 422, code: 40010001 });
      expect((await subject.venue.getOrderByClientOrderId(first.clientOrderId))?.id).toBe(placed.id);
      expect(await subject.venue.getOrderByClientOrderId('contract-never-sent')).toBeNull();
    });

    it('refuses a malformed order with the broker’s status and code, placing nothing', async () => {
      const refused = await subject.venue
        .submitOrder(order({ type: 'limit' }))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(VenueRejectedError);
      expect(refused).toMatchObject({
        status: 422,
        code: 40010001,
        venueMessage: 'limit_price is required for limit orders',
      });
      expect(await subject.venue.listOrders({ status: 'all' })).toStrictEqual([]);
    });

    it('replaces a working order with a new one that names it', async () => {
      const placed = await subject.venue.submitOrder(order({ type: 'limit', limitPrice: f('95') }));
      await subject.eventually(
        'working',
        async () => (await subject.venue.getOrder(placed.id))?.status === 'new',
      );
      const replacement = await subject.venue.replaceOrder(placed.id, { limitPrice: f('96') });
      expect(replacement).toMatchObject({ replaces: placed.id, limitPrice: f('96') });
      await subject.eventually('replaced', () => eventsOf(placed.id).includes('replaced'));
      expect((await subject.venue.getOrder(placed.id))?.replacedBy).toBe(replacement.id);
    });

    it('fills in parts against a thin book', async () => {
      await subject.quote('AAPL', 100, 100.02, 3);
      const placed = await subject.venue.submitOrder(order({ type: 'limit', limitPrice: f('100.02') }));
      await subject.eventually('partly filled', () => eventsOf(placed.id).includes('partial_fill'));
      const partial = events.find((event) => event.order.id === placed.id && event.event === 'partial_fill');
      expect(partial?.execution?.qty).toBe(f('3'));
      expect(partial?.order.status).toBe('partially_filled');
    });

    it('holds a bracket’s legs until the entry fills, then works them', async () => {
      const placed = await subject.venue.submitOrder(
        order({
          orderClass: 'bracket',
          takeProfit: { limitPrice: f('110') },
          stopLoss: { stopPrice: f('95') },
        }),
      );
      expect(placed.orderClass).toBe('bracket');
      await subject.eventually('entry filled', () => eventsOf(placed.id).includes('fill'));
      await subject.eventually('legs working', async () => {
        const legs = (await subject.venue.listOrders({ status: 'open' })).filter((o) => o.side === 'sell');
        return legs.length === 2 && legs.every((leg) => leg.status === 'new');
      });
      const legs = (await subject.venue.listOrders({ status: 'open' })).filter((o) => o.side === 'sell');
      expect(legs.map((leg) => [leg.type, leg.orderClass]).sort()).toStrictEqual([
        ['limit', 'bracket'],
        ['stop', 'bracket'],
      ]);
    });

    it('answers account, clock and calendar', async () => {
      const account = await subject.venue.getAccount();
      expect(account.buyingPower > 0n).toBe(true);
      const clock = await subject.venue.getClock();
      expect(clock.nextCloseMs).toBeGreaterThan(clock.timestampMs);
      const today = new Date(clock.timestampMs).toISOString().slice(0, 10);
      const days = await subject.venue.getCalendar(today, today);
      expect(days.every((day) => /^\d\d:\d\d$/.test(day.open) && /^\d\d:\d\d$/.test(day.close))).toBe(true);
    });
  });
}
