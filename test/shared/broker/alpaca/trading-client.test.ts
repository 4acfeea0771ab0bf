import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaTradingClient, orderRequestBody } from '../../../../shared/broker/alpaca/trading-client.ts';
import {
  AlpacaApiError,
  AlpacaNetworkError,
  AlpacaRateLimitError,
  AlpacaResponseError,
  isOutcomeUnknown,
  isSafeToResend,
} from '../../../../shared/broker/alpaca/trading-client-errors.ts';
import { parseFixed } from '../../../../shared/domain/fixed.ts';
import type { VenueQuota } from '../../../../shared/venue/venue-types.ts';
import { UUID_A, UUID_B, UUID_C, WIRE_ACCOUNT, WIRE_POSITION, wireOrder } from './wire-fixtures.ts';

const ORIGIN = 'http://alpaca.test';
const KEY_ID = 'AKTESTKEYID';
const SECRET = 'test-secret-value-never-shown';
const f = parseFixed;

describe('Function: orderRequestBody', () => {
  const base = { symbol: 'AAPL', qty: f('5'), side: 'sell', clientOrderId: 'ae1-x' } as const;
  it.each([
    [{ ...base, type: 'market', timeInForce: 'opg' }, {}],
    [{ ...base, type: 'limit', timeInForce: 'cls', limitPrice: f('10.5') }, { limit_price: '10.5' }],
    [{ ...base, type: 'stop', timeInForce: 'gtc', stopPrice: f('9') }, { stop_price: '9' }],
    [
      { ...base, type: 'stop_limit', timeInForce: 'ioc', stopPrice: f('9'), limitPrice: f('8.99') },
      { stop_price: '9', limit_price: '8.99' },
    ],
    [
      { ...base, type: 'trailing_stop', timeInForce: 'day', trailPercent: f('1.5') },
      { trail_percent: '1.5' },
    ],
    [{ ...base, type: 'trailing_stop', timeInForce: 'gtc', trailPrice: f('0.25') }, { trail_price: '0.25' }],
    [
      { ...base, type: 'limit', timeInForce: 'fok', limitPrice: f('11'), extendedHours: true },
      { limit_price: '11', extended_hours: true },
    ],
  ] as const)('writes a %o order with exactly its fields', (request, extra) => {
    expect(JSON.parse(JSON.stringify(orderRequestBody(request)))).toStrictEqual({
      symbol: 'AAPL',
      qty: '5',
      side: 'sell',
      type: request.type,
      time_in_force: request.timeInForce,
      client_order_id: 'ae1-x',
      ...extra,
    });
  });
});

describe('Class: AlpacaTradingClient', () => {
  let agent: MockAgent;
  let client: AlpacaTradingClient;
  let rateLimits: VenueQuota[];

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    rateLimits = [];
    client = new AlpacaTradingClient({
      baseUrl: ORIGIN,
      credentials: { keyId: KEY_ID, secretKey: SECRET },
      dispatcher: agent,
      timeoutMs: 200,
      onRateLimitHeaders: (snapshot) => rateLimits.push(snapshot),
    });
  });

  afterEach(async () => {
    await agent.close();
  });

  it('posts an order with decimal strings and the key headers, and maps the answer exactly', async () => {
    let sentBody: unknown;
    let sentHeaders: Record<string, string> = {};
    agent
      .get(ORIGIN)
      .intercept({
        path: '/v2/orders',
        method: 'POST',
        body: (body) => {
          sentBody = JSON.parse(body);
          return true;
        },
        headers: (headers) => {
          sentHeaders = headers as Record<string, string>;
          return true;
        },
      })
      .reply(200, wireOrder({ status: 'new' }), {
        headers: {
          'X-Ratelimit-Limit': '200',
          'X-Ratelimit-Remaining': '199',
          'X-Ratelimit-Reset': '1700000060',
        },
      });

    const order = await client.submitOrder({
      symbol: 'AAPL',
      qty: f('2'),
      side: 'buy',
      type: 'limit',
      timeInForce: 'gtc',
      limitPrice: f('150'),
      clientOrderId: 'ae1-client',
    });

    expect(sentBody).toStrictEqual({
      symbol: 'AAPL',
      qty: '2',
      side: 'buy',
      type: 'limit',
      time_in_force: 'gtc',
      client_order_id: 'ae1-client',
      limit_price: '150',
    });
    expect(sentHeaders['apca-api-key-id']).toBe(KEY_ID);
    expect(sentHeaders['apca-api-secret-key']).toBe(SECRET);
    expect(order).toMatchObject({
      id: '7b08df51-c1ac-453c-99f9-323a5f075f0d',
      clientOrderId: 'ae1-client',
      qty: f('2'),
      limitPrice: f('150'),
      filledQty: 0n,
      status: 'new',
      updatedAtNs: 1_702_420_284_668_464_435n,
      updatedAtMs: 1_702_420_284_668,
    });
    expect(rateLimits).toStrictEqual([{ limit: 200, remaining: 199, resetAtMs: 1_700_000_060_000 }]);
  });

  it('finds an order by client_order_id and answers null when Alpaca has none', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/v2/orders:by_client_order_id?client_order_id=ae1-a', method: 'GET' })
      .reply(200, wireOrder({ client_order_id: 'ae1-a' }));
    pool
      .intercept({ path: '/v2/orders:by_client_order_id?client_order_id=ae1-b', method: 'GET' })
      .reply(404, { code: 40410000, message: 'order not found' });

    expect((await client.getOrderByClientOrderId('ae1-a'))?.clientOrderId).toBe('ae1-a');
    expect(await client.getOrderByClientOrderId('ae1-b')).toBeNull();
  });

  it('turns a refusal into an AlpacaApiError with code, message, status and client_order_id, never the keys', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/orders', method: 'POST' })
      .reply(403, { code: 40310000, message: 'insufficient buying power', buying_power: '10' });

    const error = await client
      .submitOrder({
        symbol: 'AAPL',
        qty: f('1'),
        side: 'buy',
        type: 'market',
        timeInForce: 'day',
        clientOrderId: 'ae1-x',
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AlpacaApiError);
    expect(error).toMatchObject({
      name: 'AlpacaApiError',
      status: 403,
      code: 40310000,
      venueMessage: 'insufficient buying power',
      clientOrderId: 'ae1-x',
      route: '/v2/orders',
      method: 'POST',
    });
    const serialised = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(serialised).not.toContain(KEY_ID);
    expect(serialised).not.toContain(SECRET);
    expect(isSafeToResend(error)).toBe(false);
    expect(isOutcomeUnknown(error)).toBe(false);
  });

  it('marks a 429 as safe to resend with the reset time, and a 5xx as outcome unknown', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/v2/account', method: 'GET' }).reply(429, 'too many requests', {
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000100' },
    });
    pool.intercept({ path: '/v2/account', method: 'GET' }).reply(503, '');

    const limited = await client.getAccount().catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(AlpacaRateLimitError);
    expect(limited).toMatchObject({
      status: 429,
      resetAtMs: 1_700_000_100_000,
      venueMessage: 'too many requests',
    });
    expect(isSafeToResend(limited)).toBe(true);

    const failed = await client.getAccount().catch((caught: unknown) => caught);
    expect(failed).toMatchObject({ status: 503, venueMessage: '(empty body)' });
    expect(isOutcomeUnknown(failed)).toBe(true);
  });

  it('reports a connection refused as not sent and a reset as outcome unknown', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/v2/orders', method: 'POST' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    pool
      .intercept({ path: '/v2/orders', method: 'POST' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    const submit = () =>
      client
        .submitOrder({
          symbol: 'AAPL',
          qty: f('1'),
          side: 'buy',
          type: 'market',
          timeInForce: 'day',
          clientOrderId: 'ae1-n',
        })
        .catch((caught: unknown) => caught);

    const refused = await submit();
    expect(refused).toBeInstanceOf(AlpacaNetworkError);
    expect(refused).toMatchObject({ outcome: 'not_sent', causeCode: 'ECONNREFUSED', clientOrderId: 'ae1-n' });
    expect(isSafeToResend(refused)).toBe(true);
    const reset = await submit();
    expect(reset).toMatchObject({ outcome: 'unknown', causeCode: 'UND_ERR_SOCKET' });
    expect(isOutcomeUnknown(reset)).toBe(true);
  });

  it('treats a response that never comes as outcome unknown (loopback server that stays silent)', async () => {
    let received = 0;
    const server = createServer(() => {
      received += 1; // accepted, never answered
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const silent = new AlpacaTradingClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { keyId: KEY_ID, secretKey: SECRET },
      timeoutMs: 100,
    });
    try {
      const error = await silent
        .submitOrder({
          symbol: 'AAPL',
          qty: f('1'),
          side: 'buy',
          type: 'market',
          timeInForce: 'day',
          clientOrderId: 'ae1-t',
        })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        name: 'AlpacaNetworkError',
        outcome: 'unknown',
        causeCode: 'UND_ERR_HEADERS_TIMEOUT',
      });
      expect(received).toBe(1);
    } finally {
      await silent.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects a body that does not match the documented shape, naming the fields', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/v2/orders/x', method: 'GET' })
      .reply(200, wireOrder({ status: 'teleported', replaced_by: 'not-a-uuid' }));
    pool
      .intercept({ path: '/v2/orders/y', method: 'GET' })
      .reply(200, wireOrder({ filled_qty: '1.0000000001' }));

    const invalid = await client.getOrder('x').catch((caught: unknown) => caught);
    expect(invalid).toBeInstanceOf(AlpacaResponseError);
    expect((invalid as AlpacaResponseError).issues).toHaveLength(2);
    const fields = (invalid as AlpacaResponseError).issues.map((issue) => issue.split(':')[0]);
    expect(fields.sort()).toStrictEqual(['replaced_by', 'status']);
    const tooPrecise = await client.getOrder('y').catch((caught: unknown) => caught);
    expect((tooPrecise as AlpacaResponseError).issues).toStrictEqual([
      '(root): filled_qty: more than 9 decimal places (1.0000000001)',
    ]);
  });

  it('maps account, positions (shorts negative), clock and calendar', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/v2/account', method: 'GET' }).reply(200, WIRE_ACCOUNT);
    pool.intercept({ path: '/v2/positions', method: 'GET' }).reply(200, [WIRE_POSITION]);
    pool.intercept({ path: '/v2/clock', method: 'GET' }).reply(200, {
      timestamp: '2025-06-24T14:15:22.123-04:00',
      is_open: true,
      next_open: '2025-06-25T09:30:00-04:00',
      next_close: '2025-06-24T16:00:00-04:00',
    });
    pool
      .intercept({ path: '/v2/calendar?start=2025-01-02&end=2025-01-03', method: 'GET' })
      .reply(200, [{ date: '2025-01-02', open: '09:30', close: '16:00', session_open: '0400' }]);

    expect(await client.getAccount()).toMatchObject({
      accountNumber: 'PA1234567',
      buyingPower: f('262113.632'),
      lastEquity: f('99000.5'),
      multiplier: 4,
      patternDayTrader: null,
      daytradeCount: null,
    });
    expect(await client.listPositions()).toStrictEqual([
      {
        symbol: 'AAPL',
        assetClass: 'us_equity',
        qty: f('-2'),
        avgEntryPrice: f('174.78'),
        marketValue: f('-348.58'),
        unrealizedPnl: f('0.98'),
      },
    ]);
    expect(await client.getClock()).toStrictEqual({
      timestampMs: Date.parse('2025-06-24T18:15:22.123Z'),
      isOpen: true,
      nextOpenMs: Date.parse('2025-06-25T13:30:00Z'),
      nextCloseMs: Date.parse('2025-06-24T20:00:00Z'),
    });
    expect(await client.getCalendar('2025-01-02', '2025-01-03')).toStrictEqual([
      { date: '2025-01-02', open: '09:30', close: '16:00' },
    ]);
  });

  it('cancels, cancels all (207), replaces, lists and closes', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/v2/orders/abc', method: 'DELETE' }).reply(204, '');
    pool.intercept({ path: '/v2/orders', method: 'DELETE' }).reply(207, [
      { id: UUID_A, status: 200, body: wireOrder({ id: UUID_A, status: 'pending_cancel' }) },
      { id: UUID_B, status: 500, body: { code: 50010000, message: 'internal error' } },
    ]);
    let patchBody: unknown;
    pool
      .intercept({
        path: '/v2/orders/abc',
        method: 'PATCH',
        body: (body) => {
          patchBody = JSON.parse(body);
          return true;
        },
      })
      .reply(200, wireOrder({ id: UUID_C, replaces: UUID_A, qty: '3' }));
    pool
      .intercept({
        path: '/v2/orders?status=all&limit=500&after=2025-01-01T00%3A00%3A00.000Z&direction=asc',
        method: 'GET',
      })
      .reply(200, [wireOrder()]);
    pool
      .intercept({ path: '/v2/positions/BTC%2FUSD?percentage=50', method: 'DELETE' })
      .reply(
        200,
        wireOrder({ symbol: 'BTC/USD', asset_class: 'crypto', side: 'sell', type: 'market', qty: '0.5' }),
      );
    pool
      .intercept({ path: '/v2/positions/MSFT', method: 'GET' })
      .reply(404, { code: 40410000, message: 'position does not exist' });

    await client.cancelOrder('abc');
    const bulk = await client.cancelAllOrders();
    expect(bulk.map(({ key, status, order }) => [key, status, order?.status ?? null])).toStrictEqual([
      [UUID_A, 200, 'pending_cancel'],
      [UUID_B, 500, null],
    ]);
    const replacement = await client.replaceOrder('abc', { qty: f('3'), clientOrderId: 'ae1-r1' });
    expect(patchBody).toStrictEqual({ qty: '3', client_order_id: 'ae1-r1' });
    expect(replacement).toMatchObject({ id: UUID_C, replaces: UUID_A });
    const listed = await client.listOrders({
      status: 'all',
      limit: 500,
      afterMs: Date.parse('2025-01-01'),
      direction: 'asc',
    });
    expect(listed).toHaveLength(1);
    expect((await client.closePosition('BTC/USD', { percentage: f('50') })).qty).toBe(f('0.5'));
    expect(await client.getPosition('MSFT')).toBeNull();
  });
});
