/**
 * The engine's API on a real engine (in process) trading against the simulator over loopback:
 * every answer checked against the OpenAPI document the server itself serves, a manual order and a
 * close carried through risk to the venue and back, the kill switch flattening at the venue, and
 * the breaker reset needing the admin role.
 */
import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineApiDocument, startEngineApi } from '../../../engine/api/engine-api.ts';
import type { HttpApi } from '../../../engine/api/http-server.ts';
import type { TradingEngine } from '../../../engine/trading-engine.ts';
import { OPENAPI_FILE } from '../../../scripts/write-openapi.ts';
import { fixedFromNumber } from '../../../shared/domain/fixed.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { bearer, TEST_API_TOKENS } from '../../support/api-tokens.ts';
import { inProcessEngine } from '../../support/in-process-engine.ts';
import { OpenApiResponses } from '../../support/openapi-responses.ts';
import { tempFolder } from '../../support/temp-files.ts';
import { VenueAdmin } from '../../support/venue-admin.ts';

const ACTION = { operator: 'alice', reason: 'API test' };

describe('engine API on a trading engine (simulator over loopback)', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let venue: VenueAdmin;
  let engine: TradingEngine;
  let api: HttpApi;
  let base: string;
  let responses: OpenApiResponses;
  const problems: string[] = [];

  const call = async (
    method: string,
    path: string,
    init: { role?: keyof typeof TEST_API_TOKENS; body?: unknown; key?: string; token?: string } = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.role === undefined ? {} : bearer(init.role)),
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.key === undefined ? {} : { 'idempotency-key': init.key }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    problems.push(
      ...responses.check({
        method,
        path,
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: text,
      }),
    );
    const json = response.headers.get('content-type')?.startsWith('application/json')
      ? JSON.parse(text)
      : text;
    return { status: response.status, body: json, headers: response.headers };
  };

  async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
    for (let tries = 0; tries < 200; tries++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** A fresh quote the engine has seen, so risk has a reference price. */
  async function quote(symbol: string, bid: number, ask: number): Promise<void> {
    simulator.market.setQuote(symbol, { bidPrice: bid, askPrice: ask, bidSize: 500, askSize: 500 });
    const mid = fixedFromNumber((bid + ask) / 2);
    await until(
      `the ${symbol} quote`,
      () => engine.markPrice(symbol),
      (mark) => mark === mid,
    );
  }

  beforeAll(async () => {
    simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
    venue = new VenueAdmin(simulator.baseUrl);
    const registry = new Registry();
    engine = inProcessEngine({
      folder,
      simulator,
      account: 'api-test',
      registry,
      strategies: [{ id: 'quiet', symbols: ['AAPL'] }],
    });
    await engine.start();
    api = await startEngineApi({
      host: '127.0.0.1',
      port: 0,
      control: engine.control(),
      registry,
      tokens: TEST_API_TOKENS,
      requestsPerMinute: 60_000,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      dashboardPage: () => '<!doctype html><title>dashboard</title>',
    });
    base = `http://127.0.0.1:${api.port}`;
    responses = new OpenApiResponses(await (await fetch(`${base}/openapi.json`)).json());
    await until(
      'reconciled',
      () => engine.ready(),
      (ready) => ready.checks.reconciled,
    );
  });

  afterAll(async () => {
    await api?.close();
    await engine?.stop(1_000);
    await venue?.close();
    await simulator?.close();
    folder.remove();
  });

  it('serves the document the repository keeps in docs/api/openapi.json', async () => {
    const served = (await call('GET', '/openapi.json')).body;
    expect(await validate(structuredClone(served))).toMatchObject({ valid: true, specification: 'OpenAPI' });
    expect(served).toStrictEqual(engineApiDocument());
    expect(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))).toStrictEqual(served);
  });

  it('answers every read as documented', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    expect([200, 503]).toContain((await call('GET', '/ready')).status);
    for (const path of [
      '/status',
      '/positions',
      '/orders',
      '/orders?status=all',
      '/orders?status=closed',
      '/fills',
      '/pnl',
      '/risk',
      '/strategies',
    ])
      expect((await call('GET', path, { role: 'read' })).status).toBe(200);
    const metrics = await call('GET', '/metrics', { role: 'read' });
    expect(metrics.body).toContain('engine_api_responses_total');
    expect((await call('GET', '/')).status).toBe(200);
    expect(await call('GET', '/strategies', { role: 'read' })).toMatchObject({
      body: { strategies: [{ id: 'quiet', symbols: ['AAPL'], enabled: true, latched: false }] },
    });
    expect(problems).toStrictEqual([]);
  });

  it('answers every auth failure as documented', async () => {
    for (const [method, path, body] of [
      ['GET', '/positions', undefined],
      ['POST', '/kill-switch', ACTION],
      ['POST', '/circuit-breaker/reset', ACTION],
    ] as const) {
      expect((await call(method, path, { ...(body === undefined ? {} : { body }) })).status).toBe(401);
      expect(
        (
          await call(method, path, {
            token: 'not-a-token-of-this-engine',
            ...(body === undefined ? {} : { body }),
          })
        ).status,
      ).toBe(401);
    }
    expect((await call('POST', '/kill-switch', { role: 'read', body: ACTION })).status).toBe(403);
    expect((await call('POST', '/circuit-breaker/reset', { role: 'operator', body: ACTION })).status).toBe(
      403,
    );
    expect(
      (
        await call('POST', '/orders', {
          role: 'operator',
          body: { ...ACTION, symbol: 'AAPL' },
          key: 'bad-order-1',
        })
      ).status,
    ).toBe(400);
    expect(problems).toStrictEqual([]);
  });

  it('carries a manual order through risk to the simulator, once under a replayed key, and shows the position and fill', async () => {
    await quote('AAPL', 100, 100.02);
    const order = { symbol: 'AAPL', side: 'buy', qty: '3', ...ACTION };
    const placed = await call('POST', '/orders', { role: 'operator', body: order, key: 'manual-buy-aapl-1' });
    expect(placed).toMatchObject({
      status: 201,
      body: { order: { symbol: 'AAPL', side: 'buy', qty: '3', origin: 'operator' } },
    });
    const replayed = await call('POST', '/orders', {
      role: 'operator',
      body: order,
      key: 'manual-buy-aapl-1',
    });
    expect(replayed.body).toStrictEqual(placed.body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');

    await until(
      'the venue holding AAPL',
      () => venue.positions(),
      (positions) => positions.AAPL === '3',
    );
    expect((await venue.orders('AAPL')).map((o) => o.clientOrderId)).toStrictEqual([
      placed.body.order.clientOrderId,
    ]);
    const positions = await until(
      'the engine holding AAPL',
      async () => (await call('GET', '/positions', { role: 'read' })).body,
      (body) => body.positions.length === 1,
    );
    expect(positions.positions[0]).toMatchObject({
      symbol: 'AAPL',
      side: 'long',
      qty: '3',
      avgEntryPrice: '100.02',
      closing: false,
    });
    expect((await call('GET', '/fills', { role: 'read' })).body.fills[0]).toMatchObject({
      clientOrderId: placed.body.order.clientOrderId,
      symbol: 'AAPL',
      side: 'buy',
      qty: '3',
      price: '100.02',
    });
    const closed = await until(
      'the filled order among the closed ones',
      async () => (await call('GET', '/orders?status=closed', { role: 'read' })).body.orders,
      (orders: { status: string }[]) => orders.some((o) => o.status === 'filled'),
    );
    expect(closed[0]).toMatchObject({
      symbol: 'AAPL',
      status: 'filled',
      filledQty: '3',
      filledAvgPrice: '100.02',
    });
    expect(problems).toStrictEqual([]);
  });

  it('answers a risk refusal with 422 and sends nothing to the venue', async () => {
    await quote('MSFT', 200, 200.04);
    const before = (await venue.orders()).length;
    const refused = await call('POST', '/orders', {
      role: 'operator',
      body: { symbol: 'MSFT', side: 'buy', qty: '5000', ...ACTION },
      key: 'manual-buy-msft-too-many',
    });
    expect(refused).toMatchObject({ status: 422, body: { error: 'order_qty_exceeded' } });
    expect((await venue.orders()).length).toBe(before);
    expect(problems).toStrictEqual([]);
  });

  it('closes one position at the venue on DELETE /positions/{symbol}, and then has none to close', async () => {
    await quote('AAPL', 100, 100.02);
    const closing = await call('DELETE', '/positions/AAPL', { role: 'operator', body: ACTION });
    expect(closing).toMatchObject({ status: 202, body: { symbol: 'AAPL', qty: '3', closing: true } });
    await until(
      'the venue flat in AAPL',
      () => venue.positions(),
      (positions) => positions.AAPL === undefined,
    );
    await until(
      'the engine flat in AAPL',
      async () => (await call('GET', '/positions', { role: 'read' })).body.positions,
      (list: unknown[]) => list.length === 0,
    );
    expect(await call('DELETE', '/positions/AAPL', { role: 'operator', body: ACTION })).toMatchObject({
      status: 404,
      body: { error: 'no_position' },
    });
    expect(problems).toStrictEqual([]);
  });

  it('disables and enables a strategy, refuses a repeat and an unknown id', async () => {
    expect(await call('POST', '/strategies/quiet/disable', { role: 'operator', body: ACTION })).toMatchObject(
      {
        status: 200,
        body: { strategy: { id: 'quiet', enabled: false } },
      },
    );
    expect((await call('POST', '/strategies/quiet/disable', { role: 'operator', body: ACTION })).status).toBe(
      409,
    );
    expect(await call('POST', '/strategies/quiet/enable', { role: 'operator', body: ACTION })).toMatchObject({
      status: 200,
      body: { strategy: { id: 'quiet', enabled: true } },
    });
    expect((await call('POST', '/strategies/quiet/enable', { role: 'operator', body: ACTION })).status).toBe(
      409,
    );
    expect((await call('POST', '/strategies/nope/enable', { role: 'operator', body: ACTION })).status).toBe(
      404,
    );
    expect(problems).toStrictEqual([]);
  });

  it('flattens at the venue on the kill switch, refuses new orders until an admin resets the breaker', async () => {
    await quote('MSFT', 200, 200.04);
    const bought = await call('POST', '/orders', {
      role: 'operator',
      body: { symbol: 'MSFT', side: 'buy', qty: '2', type: 'limit', limitPrice: '200.10', ...ACTION },
      key: 'manual-buy-msft-1',
    });
    expect(bought.status).toBe(201);
    await until(
      'the venue holding MSFT',
      () => venue.positions(),
      (positions) => positions.MSFT === '2',
    );
    await until(
      'the engine holding MSFT',
      () => engine.portfolio.position('MSFT').qty,
      (qty) => qty !== 0n,
    );

    const killed = await call('POST', '/kill-switch', { role: 'operator', body: ACTION });
    expect(killed).toMatchObject({ status: 200, body: { breaker: 'halted' } });
    await quote('MSFT', 200, 200.04);
    await until(
      'the venue flat',
      () => venue.positions(),
      (positions) => Object.keys(positions).length === 0,
    );
    expect((await call('POST', '/kill-switch', { role: 'operator', body: ACTION })).status).toBe(409);
    expect((await call('GET', '/risk', { role: 'read' })).body).toMatchObject({
      breaker: 'halted',
      killSwitch: true,
    });

    await quote('AAPL', 100, 100.02);
    const refused = await call('POST', '/orders', {
      role: 'operator',
      body: { symbol: 'AAPL', side: 'buy', qty: '1', ...ACTION },
      key: 'manual-buy-while-halted',
    });
    expect(refused.status).toBe(422);
    expect((await call('POST', '/circuit-breaker/reset', { role: 'operator', body: ACTION })).status).toBe(
      403,
    );
    expect(await call('POST', '/circuit-breaker/reset', { role: 'admin', body: ACTION })).toMatchObject({
      status: 200,
      body: { breaker: 'normal' },
    });
    expect(problems).toStrictEqual([]);
  });

  it('streams the state as documented', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/events`, { headers: bearer('read'), signal: controller.signal });
    problems.push(
      ...responses.check({
        method: 'GET',
        path: '/events',
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: '',
      }),
    );
    const reader = response.body!.getReader();
    let text = '';
    while (!/event: state\ndata: .*\n\n/.test(text))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const state = JSON.parse(/event: state\ndata: (.*)\n\n/.exec(text)![1]!);
    expect(state).toMatchObject({
      health: { status: expect.any(String) },
      risk: { breaker: 'normal' },
      strategies: [{ id: 'quiet' }],
    });
    expect(problems).toStrictEqual([]);
  });

  it('exercised every operation of the document', () => {
    expect([...responses.seen].sort()).toStrictEqual(responses.operations().sort());
  });
});
