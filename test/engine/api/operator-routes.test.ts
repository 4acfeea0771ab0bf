import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../engine/api/http-server.ts';
import {
  type ActionOutcome,
  type EngineControl,
  type EngineHealth,
  type OperatorAction,
  operatorRoutes,
} from '../../../engine/api/operator-routes.ts';

/** A small engine stand-in that records the actions it is asked to take. */
class RecordingControl implements EngineControl {
  health_: EngineHealth = { status: 'ok', checks: { feed: 'streaming' } };
  actions: [string, OperatorAction, string?][] = [];
  health(): EngineHealth {
    return this.health_;
  }
  status(): unknown {
    return { positions: [] };
  }
  async killSwitch(action: OperatorAction): Promise<ActionOutcome> {
    this.actions.push(['kill', action]);
    return { ok: true, detail: { canceled: 2 } };
  }
  async resetCircuitBreaker(action: OperatorAction): Promise<ActionOutcome> {
    this.actions.push(['reset', action]);
    return { ok: false, code: 'breaker_not_tripped', message: 'the circuit breaker is not tripped' };
  }
  async enableStrategy(strategyId: string, action: OperatorAction): Promise<ActionOutcome> {
    this.actions.push(['enable', action, strategyId]);
    return { ok: true };
  }
}

let api: HttpApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(options: { token?: string; loopbackOnly?: boolean } = {}) {
  const control = new RecordingControl();
  const registry = new Registry();
  const responses = new Counter({
    name: 'api_responses_total',
    help: 'x',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  api = await startHttpApi(
    '127.0.0.1',
    0,
    operatorRoutes({
      control,
      metrics: registry,
      operatorToken: options.token,
      loopbackOnly: options.loopbackOnly ?? true,
    }),
    responses,
  );
  const base = `http://127.0.0.1:${api.port}`;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      json: response.headers.get('content-type')?.startsWith('application/json')
        ? JSON.parse(text)
        : undefined,
    };
  };
  return { control, registry, call };
}

const action = { operator: 'alice', reason: 'runaway strategy' };

describe('Module: operator routes', () => {
  it('answers health, 503 when fatal', async () => {
    const { control, call } = await start();
    expect(await call('GET', '/health')).toMatchObject({
      status: 200,
      json: { status: 'ok', checks: { feed: 'streaming' } },
    });
    control.health_ = { status: 'fatal', checks: { broker: 'authentication failed' } };
    expect((await call('GET', '/health')).status).toBe(503);
  });

  it('serves Prometheus metrics that count responses by route and status', async () => {
    const { call } = await start();
    await call('GET', '/health');
    await call('GET', '/nowhere');
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('api_responses_total{route="GET /health",status="200"} 1');
    expect(metrics.text).toContain('api_responses_total{route="unmatched",status="404"} 1');
  });

  it('runs an action with the operator and reason, and reports a refused one as 409', async () => {
    const { control, call } = await start();
    expect(await call('POST', '/kill-switch', action)).toMatchObject({
      status: 200,
      json: { ok: true, detail: { canceled: 2 } },
    });
    expect(await call('POST', '/circuit-breaker/reset', action)).toMatchObject({
      status: 409,
      json: { error: 'breaker_not_tripped' },
    });
    expect(await call('POST', '/strategies/enable', { ...action, strategyId: 'mac' })).toMatchObject({
      status: 200,
    });
    expect(control.actions).toStrictEqual([
      ['kill', action],
      ['reset', action],
      ['enable', action, 'mac'],
    ]);
  });

  it.each([
    ['no body', undefined, 400, 'invalid_request'],
    ['no reason', { operator: 'alice' }, 400, 'invalid_request'],
    ['an unknown key', { ...action, force: true }, 400, 'invalid_request'],
    ['malformed JSON', '{"operator":', 400, 'invalid_json'],
    ['an oversized body', { ...action, reason: 'x'.repeat(20_000) }, 413, 'body_too_large'],
  ])('refuses %s without acting', async (_label, body, status, error) => {
    const { control, call } = await start();
    const answer = await call('POST', '/kill-switch', body);
    expect(answer).toMatchObject({ status, json: { error } });
    expect(control.actions).toHaveLength(0);
  });

  it('names each invalid field', async () => {
    const { call } = await start();
    const answer = await call('POST', '/kill-switch', { operator: 'a b', reason: '' });
    expect(answer.json.issues.map((issue: { path: string }) => issue.path)).toStrictEqual([
      'operator',
      'reason',
    ]);
  });

  it('refuses a non-JSON body and wrong methods and paths', async () => {
    const { call } = await start();
    expect(
      (await call('POST', '/kill-switch', 'operator=alice', { 'content-type': 'text/plain' })).status,
    ).toBe(415);
    expect((await call('GET', '/kill-switch')).status).toBe(405);
    expect((await call('GET', '/admin')).status).toBe(404);
  });

  it('needs the bearer token when one is set, and refuses actions beyond loopback without one', async () => {
    const guarded = await start({ token: 'operator-token-123456' });
    expect((await guarded.call('POST', '/kill-switch', action)).status).toBe(401);
    expect(
      (await guarded.call('POST', '/kill-switch', action, { authorization: 'Bearer wrong' })).status,
    ).toBe(401);
    expect(
      (await guarded.call('POST', '/kill-switch', action, { authorization: 'Bearer operator-token-123456' }))
        .status,
    ).toBe(200);
    await api?.close();
    const exposed = await start({ loopbackOnly: false });
    expect(await exposed.call('POST', '/kill-switch', action)).toMatchObject({
      status: 403,
      json: { error: 'forbidden' },
    });
    expect(exposed.control.actions).toHaveLength(0);
  });
});
