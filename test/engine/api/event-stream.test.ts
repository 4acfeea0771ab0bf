/**
 * GET /events' stream on the engine's HTTP server: what a stream sets up (a timer, a fill
 * listener) is undone when the client goes, so a closed dashboard leaves nothing running and a
 * stopping engine is not kept alive by it.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { route } from '../../../engine/api/api-route.ts';
import { type HttpApi, startHttpApi } from '../../../engine/api/http-server.ts';
import { IdempotencyCache } from '../../../engine/api/idempotency-cache.ts';
import { RequestRateLimiter } from '../../../engine/api/request-rate-limiter.ts';
import { tokenMatcher } from '../../../shared/api/api-tokens.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { TEST_API_TOKENS } from '../../support/api-tokens.ts';

describe('the event stream', () => {
  let api: HttpApi | undefined;
  afterEach(async () => {
    await api?.close();
  });

  it('stops its sender when the client disconnects', async () => {
    let open = 0;
    api = await startHttpApi({
      host: '127.0.0.1',
      port: 0,
      routes: [
        route({
          method: 'GET',
          path: '/events',
          operationId: 'events',
          summary: 'ticks',
          role: 'read',
          answers: { 200: { description: 'ticks', contentType: 'text/event-stream' } },
          handle: () => ({
            status: 200,
            events: (send) => {
              open++;
              send('tick', 0);
              const timer = setInterval(() => send('tick', 1), 10);
              return () => {
                open--;
                clearInterval(timer);
              };
            },
          }),
        }),
      ],
      tokens: TEST_API_TOKENS,
      matchToken: tokenMatcher(),
      rateLimiter: new RequestRateLimiter(systemClock, 600),
      idempotency: new IdempotencyCache(systemClock),
      logger: pino({ level: 'silent' }),
    });
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${api.port}/events`, {
      headers: { authorization: `Bearer ${TEST_API_TOKENS.read}` },
      signal: abort.signal,
    });
    const first = await response.body!.getReader().read();

    expect(new TextDecoder().decode(first.value)).toContain('event: tick\ndata: 0\n\n');
    expect(open).toBe(1);
    abort.abort();
    await expect.poll(() => open).toBe(0);
  });
});
