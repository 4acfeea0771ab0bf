import { afterEach, describe, expect, it } from 'vitest';
import {
  accountSchema,
  assetSchema,
  calendarDaySchema,
  clockSchema,
  errorBodySchema,
  marketClocksSchema,
} from '../../../shared/broker/alpaca/trading-schemas.ts';
import { rest, startVirtualSim, type VirtualSim } from './sim-client.ts';

describe('trading REST: authentication, account, clock, calendar, assets', () => {
  let running: VirtualSim | undefined;
  afterEach(async () => {
    await running?.sim.close();
    running = undefined;
  });

  it('refuses missing keys with 403 and wrong keys with Alpaca 401 body', async () => {
    running = await startVirtualSim();
    const missing = await rest(running.sim, 'GET', '/v2/account', undefined, {});
    expect(missing.status).toBe(403);
    expect(missing.body).toStrictEqual({ message: 'forbidden.' });
    const underscored = await rest(running.sim, 'GET', '/v2/account', undefined, {
      APCA_API_KEY_ID: 'SIMKEYID',
    });
    expect(underscored.status).toBe(403);
    const wrongKey = await rest(running.sim, 'GET', '/v2/account', undefined, {
      'APCA-API-KEY-ID': 'nobody',
      'APCA-API-SECRET-KEY': 'SIMSECRETKEY',
    });
    expect(wrongKey.status).toBe(401);
    expect(errorBodySchema.parse(wrongKey.body)).toStrictEqual({
      code: 40110000,
      message: 'request is not authorized',
    });
    const wrongSecret = await rest(running.sim, 'GET', '/v2/account', undefined, {
      'APCA-API-KEY-ID': 'SIMKEYID',
      'APCA-API-SECRET-KEY': 'wrong',
    });
    expect(wrongSecret.status).toBe(401);
    expect(JSON.stringify(wrongSecret.body)).not.toContain('SIMSECRETKEY');
  });

  it('accepts a custom key pair and refuses the default one then', async () => {
    running = await startVirtualSim({ keyId: 'K1', secretKey: 'S1' });
    expect(
      (
        await rest(running.sim, 'GET', '/v2/account', undefined, {
          'APCA-API-KEY-ID': 'K1',
          'APCA-API-SECRET-KEY': 'S1',
        })
      ).status,
    ).toBe(200);
    expect((await rest(running.sim, 'GET', '/v2/account')).status).toBe(401);
  });

  it('answers the account with decimal strings and the starting cash', async () => {
    running = await startVirtualSim({ startingCash: '50000' });
    const answer = await rest(running.sim, 'GET', '/v2/account');
    expect(answer.status).toBe(200);
    const account = accountSchema.parse(answer.body);
    expect(account.cash).toBe('50000');
    expect(account.equity).toBe('50000');
    expect(account.buying_power).toBe('100000');
    expect(account.daytrade_count).toBe(0);
    expect(account.pattern_day_trader).toBe(false);
  });

  it('answers the clock open all day in always mode', async () => {
    running = await startVirtualSim({}, Date.UTC(2026, 2, 8, 3, 0, 0));
    const answer = await rest(running.sim, 'GET', '/v2/clock');
    const clock = clockSchema.parse(answer.body);
    expect(clock.is_open).toBe(true);
    expect(clock.timestamp).toBe('2026-03-07T22:00:00.000-05:00');
  });

  it('follows NYSE hours in nyse mode', async () => {
    // Saturday 2026-03-07: closed; next open Monday 09:30 EDT? DST starts 2026-03-08.
    running = await startVirtualSim({ sessionHours: 'nyse' }, Date.UTC(2026, 2, 7, 15, 0, 0));
    const clock = clockSchema.parse((await rest(running.sim, 'GET', '/v2/clock')).body);
    expect(clock.is_open).toBe(false);
    expect(clock.next_open).toBe('2026-03-09T09:30:00.000-04:00');
    expect(clock.next_close).toBe('2026-03-09T16:00:00.000-04:00');
  });

  it('lists calendar days with holidays skipped and early closes', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' });
    const answer = await rest(running.sim, 'GET', '/v2/calendar?start=2026-11-25&end=2026-11-30');
    const days = answer.body.map((day: unknown) => calendarDaySchema.parse(day));
    expect(days.map((day: { date: string; close: string }) => `${day.date} ${day.close}`)).toStrictEqual([
      '2026-11-25 16:00',
      '2026-11-27 13:00',
      '2026-11-30 16:00',
    ]);
    expect(days[0].settlement_date).toBe('2026-11-27');
  });

  it('refuses a malformed calendar range', async () => {
    running = await startVirtualSim();
    const bad = await rest(running.sim, 'GET', '/v2/calendar?start=yesterday');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe(40010001);
    expect(bad.body.message).toContain('start');
    const reversed = await rest(running.sim, 'GET', '/v2/calendar?start=2026-02-01&end=2026-01-01');
    expect(reversed.status).toBe(422);
  });

  it('lists assets by class and finds one by symbol or id', async () => {
    running = await startVirtualSim();
    const equities = (await rest(running.sim, 'GET', '/v2/assets')).body.map((asset: unknown) =>
      assetSchema.parse(asset),
    );
    expect(equities.map((asset: { symbol: string }) => asset.symbol)).toStrictEqual(['AAPL', 'MSFT']);
    const crypto = (await rest(running.sim, 'GET', '/v2/assets?asset_class=crypto')).body;
    expect(crypto[0]).toMatchObject({
      symbol: 'BTC/USD',
      class: 'crypto',
      exchange: 'CRYPTO',
      shortable: false,
    });
    const bySymbol = assetSchema.parse((await rest(running.sim, 'GET', '/v2/assets/AAPL')).body);
    expect(bySymbol).toMatchObject({
      tradable: true,
      shortable: true,
      fractionable: true,
      easy_to_borrow: true,
    });
    expect((await rest(running.sim, 'GET', `/v2/assets/${bySymbol.id}`)).body.symbol).toBe('AAPL');
    expect((await rest(running.sim, 'GET', '/v2/assets/BTC%2FUSD')).body.symbol).toBe('BTC/USD');
    const missing = await rest(running.sim, 'GET', '/v2/assets/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body).toStrictEqual({ code: 40410000, message: 'asset not found for NOPE' });
  });

  it('answers unknown paths and methods with Alpaca error bodies', async () => {
    running = await startVirtualSim();
    expect((await rest(running.sim, 'GET', '/v2/nothing')).status).toBe(404);
    expect((await rest(running.sim, 'GET', '/v2/assets/%E0%A4%A')).status).toBe(404);
    expect((await rest(running.sim, 'GET', '/v2/orders/a/b')).status).toBe(404);
    const wrongMethod = await rest(running.sim, 'PUT', '/v2/account');
    expect(wrongMethod.status).toBe(405);
    expect(errorBodySchema.parse(wrongMethod.body).code).toBe(40510000);
  });
});

describe('GET /v3/clock (the SDK 4 clock)', () => {
  let running: VirtualSim | undefined;
  afterEach(async () => {
    await running?.sim.close();
    running = undefined;
  });

  it('answers the NYSE phase and the next boundaries', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' }, Date.UTC(2026, 2, 10, 12, 0, 0));
    const answer = await rest(running.sim, 'GET', '/v3/clock');
    expect(answer.status).toBe(200);
    const [clock] = marketClocksSchema.parse(answer.body).clocks;
    expect(clock).toMatchObject({
      is_market_day: true,
      phase: 'pre',
      phase_until: '2026-03-10T09:30:00.000-04:00',
      next_market_open: '2026-03-10T09:30:00.000-04:00',
      market: { acronym: 'NYSE', mic: 'XNYS' },
    });
    const weekend = await rest(
      running.sim,
      'GET',
      `/v3/clock?time=${encodeURIComponent('2026-03-07T15:00:00Z')}`,
    );
    expect(weekend.body.clocks[0]).toMatchObject({ is_market_day: false, phase: 'closed' });
    expect((await rest(running.sim, 'GET', '/v3/clock?markets=LSE')).body).toStrictEqual({ clocks: [] });
    expect((await rest(running.sim, 'GET', '/v3/clock?time=noon')).status).toBe(422);
  });
});
