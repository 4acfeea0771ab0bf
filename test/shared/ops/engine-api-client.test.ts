/**
 * The jobs' engine API client at its boundary. A real engine never answers malformed bodies, so a
 * loopback server that does stands in for a broken or wrong one; the happy path is tested against
 * running engines in test/functions and test/bin/job.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApiClient } from '../../../shared/api/engine-api-client.ts';

describe('EngineApiClient', () => {
  let server: Server;
  let base: string;
  const answers: Record<string, { status: number; body: string }> = {};
  let lastAuthorization: string | undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      lastAuthorization = request.headers.authorization;
      const answer = answers[request.url ?? ''] ?? { status: 404, body: '{}' };
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a fatal health answer (503) as an answer, and sends the token', async () => {
    answers['/health'] = {
      status: 503,
      body: JSON.stringify({ status: 'fatal', checks: { reason: 'bad keys' } }),
    };
    const client = new EngineApiClient({ baseUrl: `${base}/`, token: 'read-token' });
    expect(await client.health()).toEqual({ status: 'fatal', checks: { reason: 'bad keys' } });
    expect(lastAuthorization).toBe('Bearer read-token');
  });

  it('names what is wrong with a status body: not JSON, a field that is not a decimal, an unexpected status', async () => {
    const client = new EngineApiClient({ baseUrl: base });
    answers['/status'] = { status: 200, body: '<html>' };
    await expect(client.status()).rejects.toThrow('engine API GET /status answered a body that is not JSON');
    answers['/status'] = {
      status: 200,
      body: JSON.stringify({
        positions: [{ symbol: 'AAPL', qty: 'ten', avgEntryPrice: '1' }],
        openOrders: [],
        pnl: { realized: '0', unrealized: '0', daily: '0', sessionDate: '2026-12-02' },
        exposure: { gross: '0', net: '0' },
        risk: { breaker: 'normal', reconciled: true },
      }),
    };
    await expect(client.status()).rejects.toThrow(/unexpected body: positions\.0\.qty: /);
    answers['/status'] = { status: 401, body: '{"error":"unauthorized"}' };
    await expect(client.status()).rejects.toThrow('engine API GET /status answered HTTP 401');
  });

  it('says when nothing answers, and refuses plain http off loopback (the token would travel in clear)', async () => {
    await expect(new EngineApiClient({ baseUrl: 'http://127.0.0.1:9' }).health()).rejects.toThrow(
      /engine API GET \/health at http:\/\/127\.0\.0\.1:9 did not answer \(ECONNREFUSED\)/,
    );
    expect(() => new EngineApiClient({ baseUrl: 'http://engine.internal:8080' })).toThrow(
      'engine API URL http://engine.internal:8080 must be https (plain http only on loopback)',
    );
  });
});
