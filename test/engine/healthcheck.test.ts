/**
 * node engine/healthcheck.ts as the container runtime runs it: exit 0 on a 200 from /health,
 * else exit 1 with one line saying why. The peers are small HTTP servers on loopback answering
 * as the engine's /health does (200 while it lives, 503 once it is fatal) or not at all.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runNode } from '../support/engine-process.ts';

function runHealthcheck(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return runNode(['engine/healthcheck.ts'], env);
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

const answer =
  (status: number, body: unknown): RequestListener =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

describe('Command: node engine/healthcheck.ts', () => {
  it.each([
    ['ok', 200, { status: 'ok', checks: {} }],
    [
      'degraded (a standby engine)',
      200,
      { status: 'degraded', checks: { reason: 'another engine holds the account' } },
    ],
  ])('passes an engine that serves /health while %s', async (_case, status, body) => {
    const url = await serve(answer(status, body));
    expect(await runHealthcheck({ ENGINE_HEALTH_URL: url })).toStrictEqual({ code: 0, stderr: '' });
  });

  it('fails a fatal engine (503), with its reason on one line', async () => {
    const url = await serve(
      answer(503, { status: 'fatal', checks: { reason: 'the broker refused the API keys' } }),
    );
    const { code, stderr } = await runHealthcheck({ ENGINE_HEALTH_URL: url });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `GET ${url} answered 503: {"status":"fatal","checks":{"reason":"the broker refused the API keys"}}\n`,
    );
  });

  it('fails when nothing listens', async () => {
    const url = await serve(answer(200, {}));
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const { code, stderr } = await runHealthcheck({ ENGINE_HEALTH_URL: url });
    expect(code).toBe(1);
    expect(stderr).toBe(`GET ${url} failed: connect ECONNREFUSED ${new URL(url).host}\n`);
  });

  it('fails an engine that accepts the connection but does not answer within 3 s', async () => {
    const url = await serve(() => {});
    const started = Date.now();
    const { code, stderr } = await runHealthcheck({ ENGINE_HEALTH_URL: url });
    expect(code).toBe(1);
    expect(stderr).toBe(`GET ${url} did not answer within 3000 ms\n`);
    // Under the image's HEALTHCHECK --timeout of 5 s, so the reason is printed, not cut off.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ['set but empty', '', 'ENGINE_HEALTH_URL is set but empty; unset it for http://127.0.0.1:8080/health'],
    ['not a URL', '127.0.0.1:8080', 'ENGINE_HEALTH_URL is not a URL: "127.0.0.1:8080"'],
    [
      'not plain HTTP',
      'https://127.0.0.1:8080/health',
      "ENGINE_HEALTH_URL must be http:// (the engine's API is plain HTTP), not https://",
    ],
  ])('refuses an ENGINE_HEALTH_URL that is %s', async (_case, value, message) => {
    expect(await runHealthcheck({ ENGINE_HEALTH_URL: value })).toStrictEqual({
      code: 1,
      stderr: `${message}\n`,
    });
  });
});
