import { afterEach, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../../shared/broker/alpaca/trading-schemas.ts';
import { type RestAnswer, rest, startVirtualSim, type VirtualSim } from '../trading/sim-client.ts';

const DATA_PATHS = [
  '/v2/stocks/AAPL/quotes/latest',
  '/v2/stocks/bars?symbols=AAPL,MSFT&timeframe=1Min',
  '/v2/stocks/snapshots?symbols=AAPL',
  '/v1beta3/crypto/us/latest/quotes?symbols=BTC/USD',
];

function quotaOf(answer: RestAnswer): { status: number; limit: string | null; remaining: string | null } {
  return {
    status: answer.status,
    limit: answer.headers.get('x-ratelimit-limit'),
    remaining: answer.headers.get('x-ratelimit-remaining'),
  };
}

describe('Feature: the market-data REST quota', () => {
  let running: VirtualSim | undefined;

  afterEach(async () => {
    await running?.sim.close();
    running = undefined;
  });

  it('answers the request beyond the per-minute quota with 429 and Alpaca headers, until the window resets', async () => {
    running = await startVirtualSim({ dataRateLimitPerMinute: 3 });
    const { sim, clock } = running;
    const answers = [];
    for (const path of DATA_PATHS.slice(0, 3)) answers.push(await rest(sim, 'GET', path));
    expect(answers.map(quotaOf)).toStrictEqual([
      { status: 200, limit: '3', remaining: '2' },
      { status: 200, limit: '3', remaining: '1' },
      { status: 200, limit: '3', remaining: '0' },
    ]);
    const resetSeconds = String(Math.ceil((clock.nowMs() + 60_000) / 1000));
    expect(answers[0]!.headers.get('x-ratelimit-reset')).toBe(resetSeconds);

    const limited = await rest(sim, 'GET', DATA_PATHS[3]!);
    expect(quotaOf(limited)).toStrictEqual({ status: 429, limit: '3', remaining: '0' });
    expect(limited.headers.get('x-ratelimit-reset')).toBe(resetSeconds);
    expect(errorBodySchema.parse(limited.body)).toStrictEqual({
      code: 42910000,
      message: 'rate limit exceeded',
    });

    sim.advanceTo(clock.nowMs() + 59_999);
    expect((await rest(sim, 'GET', DATA_PATHS[0]!)).status).toBe(429);
    sim.advanceTo(clock.nowMs() + 1);
    expect(quotaOf(await rest(sim, 'GET', DATA_PATHS[0]!))).toStrictEqual({
      status: 200,
      limit: '3',
      remaining: '2',
    });
  });

  it('keeps the data budget apart from the trading budget', async () => {
    running = await startVirtualSim({ rateLimitPerMinute: 2, dataRateLimitPerMinute: 2 });
    const { sim } = running;
    const data = async (): Promise<ReturnType<typeof quotaOf>> =>
      quotaOf(await rest(sim, 'GET', DATA_PATHS[0]!));
    const trading = async (): Promise<ReturnType<typeof quotaOf>> =>
      quotaOf(await rest(sim, 'GET', '/v2/clock'));
    expect(await data()).toStrictEqual({ status: 200, limit: '2', remaining: '1' });
    // The data request did not draw on trading's budget...
    expect(await trading()).toStrictEqual({ status: 200, limit: '2', remaining: '1' });
    expect(await trading()).toStrictEqual({ status: 200, limit: '2', remaining: '0' });
    expect((await trading()).status).toBe(429);
    // ...and neither did the trading requests, refused one included, on data's.
    expect(await data()).toStrictEqual({ status: 200, limit: '2', remaining: '0' });
    expect((await data()).status).toBe(429);
  });

  it('counts no keyless crypto request, since the quota is per key', async () => {
    running = await startVirtualSim({ dataRateLimitPerMinute: 1 });
    const { sim } = running;
    expect((await rest(sim, 'GET', DATA_PATHS[0]!)).status).toBe(200);
    expect((await rest(sim, 'GET', DATA_PATHS[0]!)).status).toBe(429);
    const keyless = await rest(sim, 'GET', DATA_PATHS[3]!, undefined, {});
    expect(quotaOf(keyless)).toStrictEqual({ status: 200, limit: null, remaining: null });
  });

  it('defaults to 200 requests per minute, the quota of the Basic data plan', async () => {
    running = await startVirtualSim();
    expect(quotaOf(await rest(running.sim, 'GET', DATA_PATHS[0]!))).toStrictEqual({
      status: 200,
      limit: '200',
      remaining: '199',
    });
  });
});
