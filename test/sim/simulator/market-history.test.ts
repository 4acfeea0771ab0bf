/**
 * A simulator started with --history-minutes has a past: its historical bars reach back that far
 * at once, so an engine that starts beside it can warm up, while the market runs on live from now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataHistoryClient } from '../../../shared/broker/alpaca/market-data/history-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';

const MINUTE_US = 60_000_000;
let sim: Simulator;
let startedUs: number;

beforeAll(async () => {
  startedUs = Date.now() * 1_000;
  sim = await startSimulator({ symbols: ['AAPL', 'MSFT'], messagesPerSecond: 50, historyMinutes: 30 });
});

afterAll(async () => {
  await sim.close();
});

describe('Simulator: generated history', () => {
  it('serves the minute bars of the minutes before it started', async () => {
    const history = new MarketDataHistoryClient({
      baseUrl: sim.baseUrl,
      keyId: DEFAULT_SIM_KEY_ID,
      secretKey: DEFAULT_SIM_SECRET_KEY,
      stockFeed: 'iex',
    });
    const lastComplete = Math.floor(startedUs / MINUTE_US) * MINUTE_US - MINUTE_US;
    const result = await history.fetchMinuteBars(
      ['AAPL', 'MSFT'],
      lastComplete - 28 * MINUTE_US,
      lastComplete,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const symbol of ['AAPL', 'MSFT']) {
      const starts = result.items.filter((bar) => bar.symbol === symbol).map((bar) => bar.startUs);
      expect(starts).toStrictEqual(Array.from({ length: 29 }, (_, i) => lastComplete - (28 - i) * MINUTE_US));
    }
  });
});
