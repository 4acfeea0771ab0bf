/**
 * One-off market closures (SimulatorOptions.closedDates and the trading admin): a closed New York
 * date is no trading day in either session-hours mode, for the calendar, the clock and orders.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  calendarDaySchema,
  clockSchema,
  marketClocksSchema,
  orderSchema,
} from '../../../shared/broker/alpaca/trading-schemas.ts';
import { startSimulator } from '../../../sim/simulator.ts';
import { quote, rest, startVirtualSim, type VirtualSim } from './sim-client.ts';

/** Tuesday 2026-03-10 11:00 New York (EDT); Wednesday 2026-03-11 is closed in these tests. */
const TUESDAY_MS = Date.UTC(2026, 2, 10, 15, 0, 0);
const WEDNESDAY_NOON_MS = Date.UTC(2026, 2, 11, 16, 0, 0);
const THURSDAY_MIDNIGHT_MS = Date.UTC(2026, 2, 12, 4, 0, 0);

describe('one-off market closures', () => {
  let running: VirtualSim;
  afterEach(async () => {
    await running.sim.close();
  });

  const get = async (path: string) => {
    const answer = await rest(running.sim, 'GET', path);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const clock = async () => clockSchema.parse(await get('/v2/clock'));
  const calendar = async (start: string, end: string) =>
    ((await get(`/v2/calendar?start=${start}&end=${end}`)) as unknown[]).map((day) =>
      calendarDaySchema.parse(day),
    );
  const place = async (fields: Record<string, unknown>) => {
    const answer = await rest(running.sim, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '5',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
      ...fields,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return orderSchema.parse(answer.body);
  };
  const statusOf = async (id: string) => orderSchema.parse(await get(`/v2/orders/${id}`)).status;

  describe('in always hours, where the trading day is New York midnight to midnight', () => {
    it('leaves the date out of the calendar and skips it in the clock', async () => {
      running = await startVirtualSim({ closedDates: ['2026-03-11'] }, TUESDAY_MS);
      const days = await calendar('2026-03-09', '2026-03-13');
      expect(days.map((day) => day.date)).toStrictEqual([
        '2026-03-09',
        '2026-03-10',
        '2026-03-12',
        '2026-03-13',
      ]);
      expect(days[1]).toMatchObject({ open: '00:00', close: '23:59', settlement_date: '2026-03-12' });
      expect(await clock()).toMatchObject({
        is_open: true,
        next_open: '2026-03-12T00:00:00.000-04:00',
        next_close: '2026-03-11T00:00:00.000-04:00',
      });
      running.sim.advanceTo(WEDNESDAY_NOON_MS);
      expect(await clock()).toMatchObject({
        is_open: false,
        next_open: '2026-03-12T00:00:00.000-04:00',
        next_close: '2026-03-13T00:00:00.000-04:00',
      });
      const [nyse] = marketClocksSchema.parse(await get('/v3/clock')).clocks;
      expect(nyse).toMatchObject({
        is_market_day: false,
        phase: 'closed',
        phase_until: '2026-03-12T00:00:00.000-04:00',
      });
    });

    it('accepts orders on the closed day and executes them at the next open; day orders live through it', async () => {
      running = await startVirtualSim({ closedDates: ['2026-03-11'] }, TUESDAY_MS);
      quote(running.sim, 'AAPL', 100, 100.02);
      const working = await place({ type: 'limit', limit_price: '99', time_in_force: 'gtc' });
      const opening = await place({ time_in_force: 'opg' });
      running.sim.advanceTo(WEDNESDAY_NOON_MS);
      expect(await statusOf(opening.id)).toBe('new');
      const market = await place({});
      const resting = await place({ type: 'limit', limit_price: '90' });
      running.sim.advanceTo(WEDNESDAY_NOON_MS + 1);
      expect(await statusOf(market.id)).toBe('accepted');
      quote(running.sim, 'AAPL', 98.5, 98.52);
      expect([await statusOf(market.id), await statusOf(working.id)]).toStrictEqual(['accepted', 'new']);
      running.sim.advanceTo(THURSDAY_MIDNIGHT_MS);
      expect(orderSchema.parse(await get(`/v2/orders/${market.id}`))).toMatchObject({
        status: 'filled',
        filled_avg_price: '98.52',
        filled_at: '2026-03-12T04:00:00.000000000Z',
      });
      expect(await statusOf(working.id)).toBe('filled');
      expect(orderSchema.parse(await get(`/v2/orders/${opening.id}`))).toMatchObject({
        status: 'filled',
        filled_avg_price: '98.51',
      });
      running.sim.advanceTo(Date.UTC(2026, 2, 13, 3, 59, 59));
      expect(await statusOf(resting.id)).toBe('new');
      running.sim.advanceTo(Date.UTC(2026, 2, 13, 4, 0, 0));
      expect(await statusOf(resting.id)).toBe('expired');
    });

    it('closes today at once through the admin, and reopens when the closures are cleared', async () => {
      running = await startVirtualSim({}, TUESDAY_MS);
      quote(running.sim, 'AAPL', 100, 100.02);
      const working = await place({ type: 'limit', limit_price: '99', time_in_force: 'gtc' });
      running.sim.advanceTo(TUESDAY_MS);
      const closed = await rest(
        running.sim,
        'POST',
        '/admin/trading/calendar/closures',
        { date: '2026-03-10' },
        {},
      );
      expect(closed.body).toStrictEqual({ ok: true, closures: ['2026-03-10'] });
      expect(await clock()).toMatchObject({ is_open: false, next_open: '2026-03-11T00:00:00.000-04:00' });
      quote(running.sim, 'AAPL', 98.5, 98.52);
      expect(await statusOf(working.id)).toBe('new');
      expect(
        (await rest(running.sim, 'GET', '/admin/trading/calendar/closures', undefined, {})).body,
      ).toStrictEqual({ ok: true, closures: ['2026-03-10'] });
      const cleared = await rest(running.sim, 'DELETE', '/admin/trading/calendar/closures', undefined, {});
      expect(cleared.body).toStrictEqual({ ok: true, closures: [] });
      expect((await clock()).is_open).toBe(true);
      expect(await statusOf(working.id)).toBe('filled');
    });
  });

  describe('in nyse hours', () => {
    /** Wednesday 2026-12-02 10:00 New York (EST); Thursday 2026-12-03 is closed. */
    const DECEMBER_2_MS = Date.UTC(2026, 11, 2, 15, 0, 0);

    it('leaves the date out of the calendar and skips it in the clock', async () => {
      running = await startVirtualSim({ sessionHours: 'nyse', closedDates: ['2026-12-03'] }, DECEMBER_2_MS);
      const days = await calendar('2026-12-01', '2026-12-07');
      expect(days.map((day) => [day.date, day.settlement_date])).toStrictEqual([
        ['2026-12-01', '2026-12-02'],
        ['2026-12-02', '2026-12-04'],
        ['2026-12-04', '2026-12-07'],
        ['2026-12-07', '2026-12-08'],
      ]);
      expect(await clock()).toMatchObject({
        is_open: true,
        next_open: '2026-12-04T09:30:00.000-05:00',
        next_close: '2026-12-02T16:00:00.000-05:00',
      });
      running.sim.advanceTo(Date.UTC(2026, 11, 3, 15, 0, 0));
      expect(await clock()).toMatchObject({
        is_open: false,
        next_open: '2026-12-04T09:30:00.000-05:00',
        next_close: '2026-12-04T16:00:00.000-05:00',
      });
      const [nyse] = marketClocksSchema.parse(await get('/v3/clock')).clocks;
      expect(nyse).toMatchObject({ is_market_day: false, phase: 'closed' });
    });

    it('holds a day order through the closed day, fills it at the next open and runs cls at the next close', async () => {
      running = await startVirtualSim(
        { sessionHours: 'nyse', closedDates: ['2026-12-03'] },
        Date.UTC(2026, 11, 3, 2, 0, 0), // 21:00 New York on December 2
      );
      quote(running.sim, 'AAPL', 100, 100.02);
      const order = await place({});
      const extended = await place({ type: 'limit', limit_price: '100.05', extended_hours: true });
      const closing = await place({ time_in_force: 'cls' });
      running.sim.advanceTo(Date.UTC(2026, 11, 3, 15, 0, 0)); // 10:00 on the closed day
      expect([
        await statusOf(order.id),
        await statusOf(extended.id),
        await statusOf(closing.id),
      ]).toStrictEqual(['accepted', 'accepted', 'new']);
      running.sim.advanceTo(Date.UTC(2026, 11, 3, 21, 0, 0)); // 16:00 on the closed day: no auction
      expect(await statusOf(closing.id)).toBe('new');
      running.sim.advanceTo(Date.UTC(2026, 11, 4, 9, 0, 0)); // 04:00 December 4: pre-market
      expect([await statusOf(order.id), await statusOf(extended.id)]).toStrictEqual(['accepted', 'filled']);
      running.sim.advanceTo(Date.UTC(2026, 11, 4, 14, 30, 0)); // 09:30
      expect(await statusOf(order.id)).toBe('filled');
      running.sim.advanceTo(Date.UTC(2026, 11, 4, 21, 0, 0)); // 16:00
      expect(await statusOf(closing.id)).toBe('filled');
    });

    it('moves a day order routed before a closure was announced to the next session', async () => {
      running = await startVirtualSim({ sessionHours: 'nyse' }, Date.UTC(2026, 11, 3, 2, 0, 0));
      quote(running.sim, 'AAPL', 100, 100.02);
      const resting = await place({ type: 'limit', limit_price: '90' });
      running.sim.advanceTo(Date.UTC(2026, 11, 3, 3, 0, 0));
      running.sim.closedDates.add('2026-12-03');
      running.sim.advanceTo(Date.UTC(2026, 11, 4, 20, 59, 59));
      expect(await statusOf(resting.id)).toBe('new');
      running.sim.advanceTo(Date.UTC(2026, 11, 4, 21, 0, 0));
      expect(await statusOf(resting.id)).toBe('expired');
    });
  });

  describe('validation', () => {
    it.each([
      [{ date: '2026-02-30' }, 'date: "2026-02-30" is not a date written YYYY-MM-DD'],
      [{ date: '3 Dec 2026' }, 'date: "3 Dec 2026" is not a date written YYYY-MM-DD'],
      [{}, 'date:'],
      [{ date: '2026-12-03', reason: 'mourning' }, 'reason'],
    ])('refuses the admin closure %j', async (body, problem) => {
      running = await startVirtualSim();
      const answer = await rest(running.sim, 'POST', '/admin/trading/calendar/closures', body, {});
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid admin request');
      expect(answer.body.problems.join('\n')).toContain(problem);
      expect(running.sim.closedDates.list()).toStrictEqual([]);
    });
  });
});

describe('closed dates given at start', () => {
  it('refuses a value that is not a date, naming it', async () => {
    await expect(startSimulator({ closedDates: ['2026-12-03', '2026-12-32'] })).rejects.toThrow(
      'closed date "2026-12-32" is not a date written YYYY-MM-DD',
    );
  });
});
