/**
 * The engine API's request parsing fuzzed over real HTTP: arbitrary and nearly-right bodies, path
 * parameters, queries and Idempotency-Keys on every action. Whatever arrives, the answer is a 2xx
 * or a 4xx with a stable error code and message (400s naming each field), never a 5xx, and a
 * refused request reaches the engine with nothing: no order, no close, no kill switch.
 */
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApi } from '../../engine/api/http-server.ts';
import { bearer } from '../support/api-tokens.ts';
import { type StandInEngine, startStandInApi } from '../support/engine-control-stand-in.ts';
import { assertFuzzAsync, FUZZ_TEST_TIMEOUT_MS } from './fuzz-settings.ts';
import { hostileJson, hostileText, mutatedObject } from './hostile-values.ts';

const ACTION = { operator: 'alice', reason: 'fuzzing the API' };
const ORDER = {
  symbol: 'AAPL',
  side: 'buy',
  qty: '3',
  type: 'limit',
  limitPrice: '100',
  timeInForce: 'day',
  ...ACTION,
};

/** Each action with a valid body, the role it needs, and whether it takes an Idempotency-Key. */
const ACTIONS = [
  { method: 'POST', path: '/orders', body: ORDER, role: 'operator', key: true },
  { method: 'DELETE', path: '/positions/AAPL', body: ACTION, role: 'operator', key: false },
  { method: 'POST', path: '/kill-switch', body: ACTION, role: 'operator', key: false },
  { method: 'POST', path: '/circuit-breaker/reset', body: ACTION, role: 'admin', key: false },
  { method: 'POST', path: '/strategies/momentum/enable', body: ACTION, role: 'operator', key: false },
] as const;

/** Refusals of the request itself, made before the engine is asked: the engine must not see them. */
const REQUEST_REFUSALS: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_json',
  'body_too_large',
  'unsupported_media_type',
  'idempotency_key_required',
  'idempotency_key_reused',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'not_found',
  'method_not_allowed',
]);

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

describe('Fuzz: engine API requests', () => {
  let api: HttpApi;
  let engine: StandInEngine;
  let base: string;

  beforeAll(async () => {
    ({ api, engine, base } = await startStandInApi());
  });

  afterAll(async () => {
    await api?.close();
  });

  async function send(
    method: string,
    path: string,
    role: 'read' | 'operator' | 'admin',
    body: string | undefined,
    key: string | undefined,
  ): Promise<Answer> {
    const response = await request(`${base}${path}`, {
      method: method as 'POST',
      headers: {
        ...bearer(role),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text === '' ? undefined : JSON.parse(text) };
  }

  /** What every answer must be; a refusal of the request itself must not have reached the engine. */
  function expectAnswer(answer: Answer, actionsBefore: number): void {
    expect(answer.status).toBeLessThan(500);
    if (answer.status < 400) return;
    expect(answer.body).toMatchObject({
      error: expect.stringMatching(/^[a-z_]+$/),
      message: expect.any(String),
    });
    const { error, message, issues } = answer.body as {
      error: string;
      message: string;
      issues?: { path: string; rule: string }[];
    };
    expect(message.length).toBeGreaterThan(0);
    if (error === 'invalid_request') {
      expect(issues?.length).toBeGreaterThan(0);
      for (const issue of issues ?? []) expect(issue.path).toMatch(/^(body|path|query|header)\b/);
    }
    if (REQUEST_REFUSALS.has(error)) expect(engine.actions).toHaveLength(actionsBefore);
  }

  it.each(ACTIONS)(
    '$method $path: any body gets a 4xx or acts, never a 5xx',
    async ({ method, path, body, role, key }) => {
      const bodies = fc.oneof(
        hostileText,
        hostileJson.map((value) => JSON.stringify(value) ?? 'null'),
        mutatedObject(body).map((value) => JSON.stringify(value)),
      );
      let keys = 0;
      await assertFuzzAsync(
        fc.asyncProperty(bodies, async (text) => {
          const before = engine.actions.length;
          keys += 1;
          const answer = await send(method, path, role, text, key ? `fuzz-key-${keys}` : undefined);
          expectAnswer(answer, before);
        }),
        0.25,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'refuses odd path parameters, queries and Idempotency-Keys with a 4xx naming them',
    async () => {
      const segment = fc.string({ unit: 'binary', maxLength: 40 }).map((text) => encodeURIComponent(text));
      await assertFuzzAsync(
        fc.asyncProperty(
          fc.oneof(
            segment.map((symbol) => ({
              method: 'DELETE',
              path: `/positions/${symbol}`,
              body: ACTION,
              key: undefined,
            })),
            segment.map((id) => ({
              method: 'POST',
              path: `/strategies/${id}/disable`,
              body: ACTION,
              key: undefined,
            })),
            segment.map((status) => ({
              method: 'GET',
              path: `/orders?status=${status}`,
              body: undefined,
              key: undefined,
            })),
            fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((key) => ({
              method: 'POST',
              path: '/orders',
              body: ORDER,
              // Header values cannot carry control characters; those never reach the server.
              key: [...key].filter((char) => char >= ' ' && char !== '\u007f').join(''),
            })),
          ),
          async ({ method, path, body, key }) => {
            const before = engine.actions.length;
            const answer = await send(
              method,
              path,
              'admin',
              body === undefined ? undefined : JSON.stringify(body),
              key,
            );
            expectAnswer(answer, answer.status < 400 ? engine.actions.length : before);
          },
        ),
        0.25,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
