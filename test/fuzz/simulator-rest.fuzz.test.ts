/**
 * The simulator's trading REST under fuzzed requests, over loopback as a client sees it: every
 * refusal is a 4xx with Alpaca's {code, message} body, never a 500 or a stack trace in the log,
 * and a refused request leaves the venue's orders and account as they were.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logging/logger.ts';
import { quote, type RestAnswer, rest, startVirtualSim, type VirtualSim } from '../sim/trading/sim-client.ts';
import { assertFuzzAsync, FUZZ_TEST_TIMEOUT_MS } from './fuzz-settings.ts';
import {
  hostileJson,
  hostileNumber,
  hostileNumericText,
  hostileText,
  mutatedObject,
} from './hostile-values.ts';

const VALID_ORDER = {
  symbol: 'AAPL',
  qty: '1',
  side: 'buy',
  type: 'limit',
  limit_price: '90',
  time_in_force: 'gtc',
  client_order_id: 'fuzz-sample',
  extended_hours: false,
  order_class: 'bracket',
  take_profit: { limit_price: '120' },
  stop_loss: { stop_price: '80', limit_price: '79' },
};

const VALID_REPLACE = { qty: '2', limit_price: '91', time_in_force: 'day', client_order_id: 'fuzz-replace' };

/** Any value in a decimal field: numbers at the float64 edges and text that is almost a number. */
const decimalValue = fc.oneof(hostileNumber, hostileNumericText);

/** Bodies that are valid orders but for one field, or not orders at all. */
const orderBody: fc.Arbitrary<unknown> = fc.oneof(
  mutatedObject(VALID_ORDER),
  fc
    .record({ field: fc.constantFrom('qty', 'limit_price', 'notional', 'stop_price'), value: decimalValue })
    .map(({ field, value }) => ({
      ...VALID_ORDER,
      order_class: 'simple',
      take_profit: null,
      stop_loss: null,
      [field]: value,
    })),
  fc
    .record({ leg: fc.constantFrom('take_profit', 'stop_loss'), value: decimalValue })
    .map(({ leg, value }) => ({
      ...VALID_ORDER,
      [leg]: leg === 'take_profit' ? { limit_price: value } : { stop_price: value },
    })),
  hostileJson,
);

const replaceBody: fc.Arbitrary<unknown> = fc.oneof(
  mutatedObject(VALID_REPLACE),
  fc
    .record({ field: fc.constantFrom('qty', 'limit_price', 'stop_price', 'trail'), value: decimalValue })
    .map(({ field, value }) => ({ [field]: value })),
  hostileJson,
);

/** Query strings built from the parameters the routes read, with hostile values. */
const queryValue = fc.oneof(
  hostileNumericText,
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('true', 'open', 'desc', '2026-03-10', '2026-03-10T11:00:00-04:00'),
);
const query = fc
  .dictionary(
    fc.constantFrom(
      'status',
      'limit',
      'after',
      'until',
      'direction',
      'side',
      'nested',
      'symbols',
      'qty',
      'percentage',
      'start',
      'end',
      'date_type',
      'time',
      'markets',
      'asset_class',
      'cancel_orders',
    ),
    queryValue,
    { maxKeys: 4 },
  )
  .map((params) => new URLSearchParams(params).toString());

const GET_PATHS = [
  '/v2/orders',
  '/v2/positions',
  '/v2/calendar',
  '/v3/clock',
  '/v2/assets',
  '/v2/orders:by_client_order_id',
  '/v2/positions/AAPL',
  '/v2/orders/fuzz-order',
];

function expectAlpacaRefusal(answer: RestAnswer, request: string): void {
  expect(
    answer.status,
    `${request} → ${answer.status} ${JSON.stringify(answer.body)}`,
  ).toBeGreaterThanOrEqual(400);
  expect(answer.status, request).toBeLessThan(500);
  expect(Object.keys(answer.body).sort(), request).toEqual(expect.arrayContaining(['code', 'message']));
  expect(Number.isInteger(answer.body.code), request).toBe(true);
  expect(typeof answer.body.message === 'string' && answer.body.message.length > 0, request).toBe(true);
}

describe('Simulator trading REST under fuzzed requests', () => {
  let running: VirtualSim;
  const logLines: string[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    });
    // A quota no fuzz run reaches: a 429 would hide the answer the body itself gets.
    running = await startVirtualSim({
      rateLimitPerMinute: 100_000_000,
      logger: createLogger({ name: 'sim', level: 'warn', destination }),
    });
    quote(running.sim, 'AAPL', 99.9, 100.1);
  });
  afterAll(async () => {
    await running.sim.close();
    expect(logLines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });

  /** What a refused request must not change: every order, the account and the positions. */
  async function venueState(): Promise<string> {
    const orders = await rest(running.sim, 'GET', '/v2/orders?status=all&limit=500&nested=true');
    const account = await rest(running.sim, 'GET', '/v2/account');
    const positions = await rest(running.sim, 'GET', '/v2/positions');
    return JSON.stringify(
      { orders: orders.body, account: account.body, positions: positions.body },
      (_key, value) => (typeof value === 'bigint' ? value.toString() : value),
    );
  }

  async function checkedRequest(method: string, path: string, body?: unknown): Promise<RestAnswer> {
    const before = await venueState();
    const answer = await rest(running.sim, method, path, body);
    const request = `${method} ${path} ${typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body)?.slice(0, 200)}`;
    expect(answer.status, `${request} → ${JSON.stringify(answer.body)}`).not.toBe(500);
    if (answer.status >= 400) {
      expectAlpacaRefusal(answer, request);
      expect(await venueState(), `${request} was refused but changed the venue`).toBe(before);
    }
    return answer;
  }

  it('answers a quantity or price of 1e308 with a 422 naming the field', async () => {
    for (const field of ['qty', 'limit_price']) {
      const answer = await rest(running.sim, 'POST', '/v2/orders', {
        ...VALID_ORDER,
        order_class: 'simple',
        take_profit: null,
        stop_loss: null,
        [field]: 1e308,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(422);
      expect(answer.body).toStrictEqual({ code: 40010001, message: expect.stringContaining(field) });
    }
  });

  it(
    'POST /v2/orders: any JSON body is answered 200 or refused as Alpaca refuses',
    async () => {
      await assertFuzzAsync(
        fc.asyncProperty(orderBody, async (body) => {
          await checkedRequest('POST', '/v2/orders', body === undefined ? 'null' : body);
        }),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'POST /v2/orders: any text as the body is answered, never with a 500',
    async () => {
      await assertFuzzAsync(
        fc.asyncProperty(hostileText, async (text) => {
          await checkedRequest('POST', '/v2/orders', text);
        }),
        0.25,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'PATCH and DELETE /v2/orders/{id}: fuzzed bodies and ids are refused as Alpaca refuses',
    async () => {
      const placed = await rest(running.sim, 'POST', '/v2/orders', {
        ...VALID_ORDER,
        order_class: 'simple',
        take_profit: null,
        stop_loss: null,
        client_order_id: 'fuzz-resting',
      });
      expect(placed.status, JSON.stringify(placed.body)).toBe(200);
      const id = fc.oneof(
        fc.constant(placed.body.id as string),
        fc.string({ maxLength: 40 }).map(encodeURIComponent),
        fc.constantFrom('%E0%A4%A', '..', '%00'),
      );
      await assertFuzzAsync(
        fc.asyncProperty(
          fc.constantFrom('PATCH', 'DELETE', 'GET', 'PUT'),
          id,
          replaceBody,
          async (method, orderId, body) => {
            // A DELETE of the resting order would succeed and end the run's target: keep it for PATCH.
            if (method === 'DELETE' && orderId === placed.body.id) return;
            await checkedRequest(
              method,
              `/v2/orders/${orderId}`,
              method === 'PATCH' ? (body ?? 'null') : undefined,
            );
          },
        ),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'GET with fuzzed query parameters is answered 200 or refused with a 422',
    async () => {
      await assertFuzzAsync(
        fc.asyncProperty(fc.constantFrom(...GET_PATHS), query, async (path, search) => {
          await checkedRequest('GET', search === '' ? path : `${path}?${search}`);
        }),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'DELETE /v2/positions/{symbol} with fuzzed qty and percentage is refused as Alpaca refuses',
    async () => {
      await assertFuzzAsync(
        fc.asyncProperty(fc.constantFrom('qty', 'percentage'), hostileNumericText, async (name, value) => {
          // No position is held, so even a valid close is a 404: the venue must not change either way.
          await checkedRequest('DELETE', `/v2/positions/MSFT?${new URLSearchParams({ [name]: value })}`);
        }),
        0.25,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
