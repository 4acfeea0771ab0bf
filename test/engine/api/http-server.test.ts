/**
 * The API's common layer over real HTTP with an engine stand-in (the engine's own answers are
 * tested against the simulator in engine-api.test.ts): every route's role, every way a request is
 * refused, idempotent actions, the rate limit, and the event stream.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpApi, MAX_BODY_BYTES } from '../../../engine/api/http-server.ts';
import { bearer, TEST_API_TOKENS } from '../../support/api-tokens.ts';
import { FILL, startStandInApi } from '../../support/engine-control-stand-in.ts';

let api: HttpApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(options: { perMinute?: number } = {}) {
  const started = await startStandInApi(options);
  api = started.api;
  const { engine } = started;
  const base = `http://127.0.0.1:${api.port}`;
  const call = async (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: unknown; raw?: string } = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.body === undefined && init.raw === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.raw !== undefined
        ? { body: init.raw }
        : init.body === undefined
          ? {}
          : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Text answers (metrics, the page) stay text.
    }
    return { status: response.status, headers: response.headers, body: body as Record<string, unknown> };
  };
  return { engine, base, call };
}

const ACTION = { operator: 'alice', reason: 'testing the API' };
const ORDER_BODY = { symbol: 'AAPL', side: 'buy', qty: '3', ...ACTION };

/** Every route with a role, and a request that would pass validation. */
const GUARDED: readonly {
  method: string;
  path: string;
  role: 'read' | 'operator' | 'admin';
  body?: unknown;
  key?: boolean;
}[] = [
  { method: 'GET', path: '/metrics', role: 'read' },
  { method: 'GET', path: '/status', role: 'read' },
  { method: 'GET', path: '/positions', role: 'read' },
  { method: 'GET', path: '/orders', role: 'read' },
  { method: 'GET', path: '/fills', role: 'read' },
  { method: 'GET', path: '/pnl', role: 'read' },
  { method: 'GET', path: '/risk', role: 'read' },
  { method: 'GET', path: '/strategies', role: 'read' },
  { method: 'POST', path: '/orders', role: 'operator', body: ORDER_BODY, key: true },
  { method: 'DELETE', path: '/positions/AAPL', role: 'operator', body: ACTION },
  { method: 'POST', path: '/kill-switch', role: 'operator', body: ACTION },
  { method: 'POST', path: '/strategies/momentum/enable', role: 'operator', body: ACTION },
  { method: 'POST', path: '/strategies/momentum/disable', role: 'operator', body: ACTION },
  { method: 'POST', path: '/circuit-breaker/reset', role: 'admin', body: ACTION },
];

describe('engine API server', () => {
  describe.each(GUARDED)('$method $path ($role)', ({ method, path, role, body, key }) => {
    const init = (headers: Record<string, string>) => ({
      headers: {
        ...headers,
        ...(key ? { 'idempotency-key': `key-${Math.random().toString(36).slice(2, 12)}` } : {}),
      },
      ...(body === undefined ? {} : { body }),
    });

    it('refuses a request without a token (401, WWW-Authenticate) and acts on nothing', async () => {
      const { call, engine } = await start();
      const answer = await call(method, path, init({}));
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(answer.body).toStrictEqual({
        error: 'unauthorized',
        message: `${method} ${path.replace(/AAPL|momentum/, (m) => (m === 'AAPL' ? '{symbol}' : '{id}'))} needs a bearer token`,
      });
      expect(engine.actions).toStrictEqual([]);
    });

    it('refuses a token it does not know (401), whatever its length', async () => {
      const { call } = await start();
      for (const wrong of ['x', `${TEST_API_TOKENS.admin}x`, TEST_API_TOKENS.admin.slice(0, -1)]) {
        const answer = await call(method, path, init({ authorization: `Bearer ${wrong}` }));
        expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      }
      const scheme = await call(method, path, init({ authorization: `Basic ${TEST_API_TOKENS.admin}` }));
      expect(scheme).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    });

    it('answers its own role and every higher one, and refuses lower ones with 403', async () => {
      const { call, engine } = await start();
      const roles = ['read', 'operator', 'admin'] as const;
      for (const held of roles) {
        const answer = await call(method, path, init(bearer(held)));
        const allowed = roles.indexOf(held) >= roles.indexOf(role);
        if (allowed) expect(answer.status).toBeLessThan(500);
        if (allowed) expect([401, 403]).not.toContain(answer.status);
        else expect(answer).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      }
      // Only the allowed calls reached the engine.
      expect(engine.actions.every(([, by]) => roles.indexOf(by.role) >= roles.indexOf(role))).toBe(true);
    });
  });

  it('serves health, readiness, the page and the OpenAPI document without a token', async () => {
    const { call } = await start();
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call('GET', '/ready')).toMatchObject({
      status: 503,
      body: { ready: false, reasons: ['the stocks feed is connecting'] },
    });
    const page = await call('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await call('GET', '/openapi.json')).toMatchObject({ status: 200, body: { openapi: '3.1.0' } });
  });

  it('names each invalid field of a body in a 400 and places no order', async () => {
    const { call, engine } = await start();
    const answer = await call('POST', '/orders', {
      headers: { ...bearer('operator'), 'idempotency-key': 'order-key-1' },
      body: { symbol: 'aapl!', side: 'hold', qty: '-3', type: 'limit', operator: 'a', reason: '', extra: 1 },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    const paths = (answer.body.issues as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toStrictEqual(
      ['body', 'body.operator', 'body.qty', 'body.reason', 'body.side', 'body.symbol'].sort(),
    );
    expect(engine.actions).toStrictEqual([]);
  });

  it('refuses a limit order without a price, and a market order with one', async () => {
    const { call } = await start();
    for (const body of [
      { ...ORDER_BODY, type: 'limit' },
      { ...ORDER_BODY, type: 'market', limitPrice: '100' },
    ]) {
      const answer = await call('POST', '/orders', {
        headers: { ...bearer('operator'), 'idempotency-key': `order-${body.type}` },
        body,
      });
      expect(answer).toMatchObject({
        status: 400,
        body: {
          issues: [
            {
              path: 'body.limitPrice',
              rule: 'a limit order needs limitPrice, and only a limit order may have one',
            },
          ],
        },
      });
    }
  });

  it('answers malformed JSON, a wrong content type, a body where none is taken and a bad path parameter with 400/415', async () => {
    const { call, base } = await start();
    expect(
      await call('POST', '/kill-switch', { headers: bearer('operator'), raw: '{"operator":' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_json' },
    });
    const text = await fetch(`${base}/kill-switch`, {
      method: 'POST',
      headers: { ...bearer('operator'), 'content-type': 'text/plain' },
      body: 'stop',
    });
    expect(text.status).toBe(415);
    // fetch will not send a GET with a body; undici's request will, as any client may.
    const withBody = await request(`${base}/positions`, {
      method: 'GET',
      headers: { ...bearer('read'), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(withBody.statusCode).toBe(400);
    expect(await withBody.body.json()).toStrictEqual({
      error: 'invalid_request',
      message: 'GET /positions takes no body',
    });
    expect(
      await call('DELETE', '/positions/not%20a%20symbol', { headers: bearer('operator'), body: ACTION }),
    ).toMatchObject({ status: 400, body: { issues: [{ path: 'path.symbol' }] } });
    expect(await call('GET', '/orders?status=everything', { headers: bearer('read') })).toMatchObject({
      status: 400,
      body: { issues: [{ path: 'query.status' }] },
    });
  });

  it('refuses a body over the limit with 413 before reading it all', async () => {
    const { call, engine } = await start();
    const answer = await call('POST', '/kill-switch', {
      headers: bearer('operator'),
      raw: JSON.stringify({ ...ACTION, reason: 'x'.repeat(MAX_BODY_BYTES) }),
    });
    expect(answer).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    expect(engine.actions).toStrictEqual([]);
  });

  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    const { call } = await start();
    expect(await call('GET', '/nope', { headers: bearer('read') })).toMatchObject({ status: 404 });
    expect(await call('PUT', '/kill-switch', { headers: bearer('operator') })).toMatchObject({ status: 405 });
  });

  it('needs an Idempotency-Key for a manual order, and a well-formed one', async () => {
    const { call, engine } = await start();
    expect(await call('POST', '/orders', { headers: bearer('operator'), body: ORDER_BODY })).toMatchObject({
      status: 400,
      body: { error: 'idempotency_key_required' },
    });
    expect(
      await call('POST', '/orders', {
        headers: { ...bearer('operator'), 'idempotency-key': 'bad key!' },
        body: ORDER_BODY,
      }),
    ).toMatchObject({ status: 400, body: { issues: [{ path: 'header.Idempotency-Key' }] } });
    expect(engine.actions).toStrictEqual([]);
  });

  it('acts once for a replayed action under the same key, and refuses the key for a different request', async () => {
    const { call, engine } = await start();
    const headers = { ...bearer('operator'), 'idempotency-key': 'replayed-key-1' };
    const [first, second] = await Promise.all([
      call('POST', '/orders', { headers, body: ORDER_BODY }),
      call('POST', '/orders', { headers, body: ORDER_BODY }),
    ]);
    const third = await call('POST', '/orders', { headers, body: ORDER_BODY });
    expect(first.status).toBe(201);
    expect(second.body).toStrictEqual(first.body);
    expect(third.body).toStrictEqual(first.body);
    expect(
      [first, second, third].filter((answer) => answer.headers.get('idempotent-replayed') === 'true'),
    ).toHaveLength(2);
    expect(engine.actions.filter(([kind]) => kind === 'order')).toHaveLength(1);

    const other = await call('POST', '/orders', { headers, body: { ...ORDER_BODY, qty: '4' } });
    expect(other).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused' } });
    const kill = [
      await call('POST', '/kill-switch', {
        headers: { ...bearer('operator'), 'idempotency-key': 'kill-key-1' },
        body: ACTION,
      }),
      await call('POST', '/kill-switch', {
        headers: { ...bearer('operator'), 'idempotency-key': 'kill-key-1' },
        body: ACTION,
      }),
    ];
    expect(kill.map((answer) => answer.status)).toStrictEqual([200, 200]);
    expect(engine.actions.filter(([kind]) => kind === 'kill')).toHaveLength(1);
  });

  it('hands each action its caller’s role, the person and the reason', async () => {
    const { call, engine } = await start();
    await call('POST', '/kill-switch', { headers: bearer('operator'), body: ACTION });
    await call('POST', '/circuit-breaker/reset', { headers: bearer('admin'), body: ACTION });
    expect(engine.actions).toStrictEqual([
      ['kill', { role: 'operator', ...ACTION }],
      ['reset', { role: 'admin', ...ACTION }],
    ]);
  });

  it('maps refusals: a risk refusal of an order is 422, a missing position 404, a state conflict 409', async () => {
    const { call } = await start();
    expect(
      await call('POST', '/orders', {
        headers: { ...bearer('operator'), 'idempotency-key': 'refused-order' },
        body: { ...ORDER_BODY, qty: '999' },
      }),
    ).toMatchObject({ status: 422, body: { error: 'max_order_qty' } });
    expect(
      await call('DELETE', '/positions/MSFT', { headers: bearer('operator'), body: ACTION }),
    ).toMatchObject({
      status: 404,
      body: { error: 'no_position' },
    });
    expect(
      await call('POST', '/circuit-breaker/reset', { headers: bearer('admin'), body: ACTION }),
    ).toMatchObject({
      status: 409,
      body: { error: 'breaker_not_open' },
    });
  });

  it('answers a failing handler with a fixed 500 that carries no stack trace or detail', async () => {
    const { call, engine } = await start();
    engine.fail = true;
    const answer = await call('GET', '/status', { headers: bearer('read') });
    expect(answer).toStrictEqual({
      status: 500,
      headers: answer.headers,
      body: { error: 'internal_error', message: 'the engine could not complete the request' },
    });
  });

  it('limits each token’s requests with 429 and Retry-After, without starving another token or the probes', async () => {
    const { call } = await start({ perMinute: 60 });
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++)
      statuses.push((await call('GET', '/pnl', { headers: bearer('read') })).status);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(61);
    const limited = await call('GET', '/pnl', { headers: bearer('read') });
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/pnl', { headers: bearer('operator') })).status).toBe(200);
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('streams the state on connect and each fill as it is booked', async () => {
    const { base, engine } = await start();
    const controller = new AbortController();
    const response = await fetch(`${base}/events`, { headers: bearer('read'), signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) text += decoder.decode((await reader.read()).value);
    };
    await until(/event: state\ndata: .*\n\n/);
    while (engine.fillListeners.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const listener of engine.fillListeners) listener(FILL);
    await until(/event: fill\ndata: .*\n\n/);
    controller.abort();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map(([, name, data]) => [
      name,
      JSON.parse(data!),
    ]);
    expect(events[0]).toStrictEqual(['state', engine.state()]);
    expect(events.find(([name]) => name === 'fill')).toStrictEqual(['fill', FILL]);
  });
});
