import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { StreamClient } from '../stream/stream-client.ts';
import { quote, rest, startVirtualSim, type VirtualSim } from './sim-client.ts';

/** Runs one scripted session and returns everything a client could observe. */
async function session(
  seed: number,
  running: VirtualSim[],
): Promise<{ orders: unknown; updates: unknown[] }> {
  const current = await startVirtualSim({ seed, latencyMs: 20, slippage: { fixedBps: 2, sizeImpactBps: 5 } });
  running.push(current);
  const { sim, clock } = current;
  const client = await StreamClient.listening(
    sim.tradeUpdatesUrl,
    DEFAULT_SIM_KEY_ID,
    DEFAULT_SIM_SECRET_KEY,
  );
  let emitted = 0;
  sim.trading.engine.onEvent(() => emitted++);
  const prices = [100, 100.5, 99.8, 101.2, 100.9, 98.7, 99.9];
  let step = 0;
  for (const price of prices) {
    quote(sim, 'AAPL', price, price + 0.02, 300 + step * 10, 250 + step * 7);
    const side = step % 3 === 2 ? 'sell' : 'buy';
    await rest(sim, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: 400,
      side,
      type: 'market',
      time_in_force: 'day',
    });
    await rest(sim, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: 50,
      side: 'buy',
      type: 'limit',
      limit_price: (price - 0.5).toFixed(2),
      time_in_force: 'gtc',
    });
    sim.advanceTo(clock.nowMs() + 25);
    step++;
  }
  const orders = (await rest(sim, 'GET', '/v2/orders?status=all&direction=asc&limit=500')).body;
  await client.waitForUpdates(emitted);
  const updates = client.updates();
  client.close();
  return { orders, updates };
}

describe('determinism', () => {
  const running: VirtualSim[] = [];
  afterEach(async () => {
    for (const current of running.splice(0)) await current.sim.close();
  });

  it('gives the same orders, fills, ids and events for the same seed and inputs', async () => {
    const first = await session(7, running);
    const second = await session(7, running);
    expect(second.orders).toStrictEqual(first.orders);
    expect(second.updates).toStrictEqual(first.updates);
    expect(first.updates.some((update) => (update as { event: string }).event === 'partial_fill')).toBe(true);
  });

  it('gives different ids for a different seed', async () => {
    const first = await session(7, running);
    const other = await session(8, running);
    expect((other.orders as { id: string }[])[0]!.id).not.toBe((first.orders as { id: string }[])[0]!.id);
  });
});
