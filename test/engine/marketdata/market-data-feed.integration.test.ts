import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type MarketDataFeed, startMarketDataFeed } from '../../../engine/marketdata/market-data-feed.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../sim/context.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { waitFor } from './feed-harness.ts';

let sim: Simulator | undefined;
let feed: MarketDataFeed | undefined;

afterEach(async () => {
  await feed?.stop();
  await sim?.close();
  feed = undefined;
  sim = undefined;
});

describe('Function: startMarketDataFeed', () => {
  it('streams stocks and crypto into one service and serves its metrics', async () => {
    sim = await startSimulator({ symbols: ['AAPL', 'BTC/USD'], messagesPerSecond: 200 });
    const registry = new Registry();
    feed = startMarketDataFeed({
      stockStreamUrl: `ws://127.0.0.1:${sim.port}/v2/iex`,
      cryptoStreamUrl: `ws://127.0.0.1:${sim.port}/v1beta3/crypto/us`,
      dataUrl: sim.baseUrl,
      stockFeed: 'iex',
      symbols: ['AAPL', 'BTC/USD'],
      staleAfterMs: 5_000,
      keyId: DEFAULT_SIM_KEY_ID,
      secretKey: DEFAULT_SIM_SECRET_KEY,
      clock: systemClock,
      registry,
    });
    const service = feed.service;
    await waitFor('both symbols fresh', () =>
      ['AAPL', 'BTC/USD'].every((symbol) => !service.isStale(symbol, systemClock.nowUs())),
    );
    expect(feed.clients.map((client) => client.state)).toStrictEqual(['streaming', 'streaming']);
    expect(service.topOfBook('AAPL')?.askPrice).toBeGreaterThan(0);
    await waitFor('an order book', () => (service.orderBook('BTC/USD')?.asks.levelCount ?? 0) > 0);
    const text = await registry.metrics();
    expect(text).toMatch(/engine_marketdata_messages_total\{type="quote"\} [1-9]/);
    expect(text).not.toContain(DEFAULT_SIM_SECRET_KEY);
  });
});
