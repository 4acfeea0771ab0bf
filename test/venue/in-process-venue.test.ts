import { describe, expect, it } from 'vitest';
import { parseFixed } from '../../shared/domain/fixed.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { createInProcessVenue } from '../../sim/in-process-venue.ts';
import { venueContract } from './venue-contract.ts';

const STEP_MS = 10;
const BOUND_MS = 60_000;

venueContract('in-process venue (virtual clock, no sockets)', async (options) => {
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 15, 0));
  const subject = createInProcessVenue({ clock, symbols: ['AAPL'], ...options });
  return {
    venue: subject.venue,
    async quote(symbol, bidPrice, askPrice, size = 500) {
      subject.market.setQuote(symbol, { bidPrice, askPrice, bidSize: size, askSize: size }, { hold: true });
    },
    async eventually(what, check) {
      const until = clock.nowMs() + BOUND_MS;
      while (!(await check())) {
        if (clock.nowMs() >= until) throw new Error(`${what}: not within ${BOUND_MS} ms of virtual time`);
        subject.advanceTo(clock.nowMs() + STEP_MS);
      }
    },
    async close() {
      subject.close();
    },
  };
});

describe('in-process venue: closedOrderLimit', () => {
  it('forgets the oldest closed orders beyond the limit, and keeps open ones', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 2, 15, 0));
    const subject = createInProcessVenue({ clock, symbols: ['AAPL'], closedOrderLimit: 3 });
    subject.market.setQuote(
      'AAPL',
      { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 },
      { hold: true },
    );
    const resting = await subject.venue.submitOrder({
      symbol: 'AAPL',
      qty: parseFixed('1'),
      side: 'buy',
      type: 'limit',
      limitPrice: parseFixed('90'),
      timeInForce: 'day',
      clientOrderId: 'resting',
    });
    const filled: string[] = [];
    for (let i = 0; i < 6; i++) {
      const placed = await subject.venue.submitOrder({
        symbol: 'AAPL',
        qty: parseFixed('1'),
        side: 'buy',
        type: 'market',
        timeInForce: 'day',
        clientOrderId: `filled-${i}`,
      });
      filled.push(placed.id);
      subject.advanceTo(clock.nowMs() + 1);
    }
    const known = await Promise.all(filled.map((id) => subject.venue.getOrder(id)));
    expect(known.map((order) => order?.status ?? null)).toStrictEqual([
      null,
      null,
      null,
      'filled',
      'filled',
      'filled',
    ]);
    expect(await subject.venue.getOrderByClientOrderId('filled-0')).toBeNull();
    expect((await subject.venue.getOrder(resting.id))?.status).toBe('new');
    const all = await subject.venue.listOrders({ status: 'all' });
    expect(all.map((order) => order.clientOrderId).sort()).toStrictEqual(
      ['filled-3', 'filled-4', 'filled-5', 'resting'].sort(),
    );
    subject.close();
  });

  it('keeps a filled parent known while its legs work, and forgets it once they are done', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 2, 15, 0));
    const subject = createInProcessVenue({ clock, symbols: ['AAPL', 'MSFT'], closedOrderLimit: 2 });
    const quote = (symbol: string, bidPrice: number, askPrice: number) =>
      subject.market.setQuote(symbol, { bidPrice, askPrice, bidSize: 500, askSize: 500 }, { hold: true });
    quote('AAPL', 100, 100.02);
    quote('MSFT', 200, 200.02);
    const parent = await subject.venue.submitOrder({
      symbol: 'AAPL',
      qty: parseFixed('1'),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId: 'parent',
      orderClass: 'bracket',
      takeProfit: { limitPrice: parseFixed('110') },
      stopLoss: { stopPrice: parseFixed('90') },
    });
    subject.advanceTo(clock.nowMs() + 1);
    // Other orders close, more than the limit: on another symbol, so no wash-trade refusal.
    const closeMore = async (from: number) => {
      for (let i = from; i < from + 4; i++) {
        await subject.venue.submitOrder({
          symbol: 'MSFT',
          qty: parseFixed('1'),
          side: 'buy',
          type: 'market',
          timeInForce: 'day',
          clientOrderId: `filler-${i}`,
        });
        subject.advanceTo(clock.nowMs() + 1);
      }
    };
    await closeMore(0);
    expect((await subject.venue.getOrder(parent.id))?.status).toBe('filled');
    const legs = (await subject.venue.listOrders({ status: 'open' })).filter((o) => o.symbol === 'AAPL');
    expect(legs.map((leg) => leg.status)).toStrictEqual(['new', 'new']);

    // The take-profit fills and the stop-loss is canceled: the group is done.
    quote('AAPL', 110.01, 110.03);
    subject.advanceTo(clock.nowMs() + 1);
    expect((await subject.venue.listOrders({ status: 'open' })).length).toBe(0);
    await closeMore(4);
    expect(await subject.venue.getOrder(parent.id)).toBeNull();
    expect(await subject.venue.getOrderByClientOrderId('parent')).toBeNull();
    for (const leg of legs) expect(await subject.venue.getOrder(leg.id)).toBeNull();
    // Each order that closes forgets at most one: the two asked back while their group worked
    // leave two more fillers known than the limit.
    const all = await subject.venue.listOrders({ status: 'all', direction: 'asc' });
    expect(all.map((order) => order.clientOrderId)).toStrictEqual([
      'filler-4',
      'filler-5',
      'filler-6',
      'filler-7',
    ]);
    subject.close();
  });
});
