/**
 * The engine in process, without persistence, against the simulator on a scripted market: the
 * status view marks positions to the book, so unrealized P&L follows the market.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TradingEngine } from '../../engine/trading-engine.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { buyAtVenue, inProcessEngine } from '../support/in-process-engine.ts';
import { tempFolder } from '../support/temp-files.ts';

describe('Class: TradingEngine (in process, simulator over loopback)', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let engine: TradingEngine | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
  });

  afterAll(async () => {
    await engine?.stop(1_000);
    await simulator?.close();
    folder.remove();
  });

  it('marks an adopted position to the book mid in its status', async () => {
    simulator.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 });
    await buyAtVenue(simulator, 'AAPL', '10', 'manual-buy-1');

    engine = inProcessEngine({ folder, simulator, account: 'in-process' });
    await engine.start();
    const status = () => engine!.control().status();
    for (let tries = 0; status().positions.length === 0 && tries < 100; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(status().positions).toStrictEqual([{ symbol: 'AAPL', qty: '10', avgEntryPrice: '100.02' }]);

    // The quote is sent again on each try: one sent before the engine's market-data subscription
    // is in place reaches nobody, and the scripted market sends nothing on its own.
    for (let tries = 0; status().pnl.unrealized !== '10' && tries < 100; tries++) {
      simulator.market.setQuote('AAPL', { bidPrice: 101, askPrice: 101.04, bidSize: 500, askSize: 500 });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // 10 × (101.02 − 100.02)
    expect(status().pnl.unrealized).toBe('10');
  });
});

describe('Feature: positions the engine cannot watch', () => {
  it('counts and names a position in a symbol it receives no market data for', async () => {
    const folder = tempFolder();
    const simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT', 'TSLA'] });
    const registry = new Registry();
    const engine = inProcessEngine({ folder, simulator, account: 'unwatched', registry });
    try {
      simulator.market.setQuote('TSLA', { bidPrice: 200, askPrice: 200.04, bidSize: 500, askSize: 500 });
      await buyAtVenue(simulator, 'TSLA', '3', 'manual-tsla');
      await engine.start();
      const unwatched = async () =>
        (await registry.getSingleMetric('engine_unwatched_positions')!.get()).values[0]?.value;
      for (let tries = 0; (await unwatched()) !== 1 && tries < 100; tries++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await unwatched()).toBe(1);
    } finally {
      await engine.stop(1_000);
      await simulator.close();
      folder.remove();
    }
  });
});
