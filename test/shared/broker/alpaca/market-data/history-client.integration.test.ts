import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataHistoryClient } from '../../../../../shared/broker/alpaca/market-data/history-client.ts';
import {
  DEFAULT_SIM_KEY_ID,
  DEFAULT_SIM_SECRET_KEY,
} from '../../../../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../../../sim/simulator.ts';

const START_MS = Date.UTC(2026, 10, 24, 15, 0, 0);
const MINUTE_US = 60_000_000;
let sim: Simulator;

beforeAll(async () => {
  const clock = new ManualClock(START_MS);
  sim = await startSimulator({ clock, symbols: ['AAPL', 'MSFT', 'BTC/USD'], messagesPerSecond: 20 });
  for (let s = 1; s <= 302; s++) sim.advanceTo(START_MS + s * 1_000);
});

afterAll(async () => {
  await sim.close();
});

const client = (options: { pageLimit?: number; secretKey?: string } = {}) =>
  new MarketDataHistoryClient({
    baseUrl: sim.baseUrl,
    keyId: DEFAULT_SIM_KEY_ID,
    secretKey: options.secretKey ?? DEFAULT_SIM_SECRET_KEY,
    stockFeed: 'iex',
    ...(options.pageLimit === undefined ? {} : { pageLimit: options.pageLimit }),
  });

describe('Class: MarketDataHistoryClient against the simulator', () => {
  it('follows next_page_token across pages and symbols, stocks and crypto alike', async () => {
    const from = START_MS * 1000;
    const to = from + 4 * MINUTE_US;
    const whole = await client().fetchMinuteBars(['AAPL', 'MSFT', 'BTC/USD'], from, to);
    const paged = await client({ pageLimit: 2 }).fetchMinuteBars(['AAPL', 'MSFT', 'BTC/USD'], from, to);
    expect(whole.ok && paged.ok).toBe(true);
    if (!whole.ok || !paged.ok) return;
    expect(paged.items).toStrictEqual(whole.items);
    for (const symbol of ['AAPL', 'MSFT', 'BTC/USD']) {
      expect(whole.items.filter((bar) => bar.symbol === symbol).map((bar) => bar.startUs)).toStrictEqual(
        [0, 1, 2, 3, 4].map((m) => from + m * MINUTE_US),
      );
    }
  });

  it('fetches trades in a window', async () => {
    const from = (START_MS + 60_000) * 1000;
    const result = await client({ pageLimit: 50 }).fetchTrades(['AAPL'], from, from + 30_000_000);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.items.length).toBeGreaterThan(0);
    for (const trade of result.items) {
      expect(trade.timestampUs).toBeGreaterThanOrEqual(from);
      expect(trade.timestampUs).toBeLessThanOrEqual(from + 30_000_000);
      expect(trade.price).toBeGreaterThan(0);
    }
  });

  it('reports a refused request as a value with the status, never with the keys', async () => {
    const secret = 'NOT-THE-SECRET-91c2';
    const result = await client({ secretKey: secret }).fetchMinuteBars(
      ['AAPL'],
      START_MS * 1000,
      START_MS * 1000,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(403);
    expect(result.reason).toMatch(/^GET \/v2\/stocks\/bars answered 403/);
    expect(result.reason).not.toContain(secret);
    expect(result.reason).not.toContain(DEFAULT_SIM_KEY_ID);
  });

  it('reports an unreachable venue as a value', async () => {
    const result = await new MarketDataHistoryClient({
      baseUrl: 'http://127.0.0.1:9',
      keyId: 'k',
      secretKey: 's',
      stockFeed: 'iex',
    }).fetchTrades(['AAPL'], 0, 1);
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^GET \/v2\/stocks\/trades failed/),
    });
  });
});
