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
});
