/**
 * The engine in process, without persistence, against the simulator on a scripted market: the
 * status view marks positions to the book, so unrealized P&L follows the market.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TradingEngine } from '../../engine/trading-engine.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { engineConfig, ROOT } from '../support/engine-process.ts';
import { tempFolder } from '../support/temp-files.ts';

const credentials = { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };

describe('Class: TradingEngine (in process, simulator over loopback)', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let engine: TradingEngine | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
    folder.write('risk_limits.toml', readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8'));
  });

  afterAll(async () => {
    await engine?.stop(1_000);
    await simulator?.close();
    folder.remove();
  });

  it('marks an adopted position to the book mid in its status', async () => {
    simulator.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 });
    const broker = new AlpacaTradingClient({ baseUrl: simulator.baseUrl, credentials });
    await broker.submitOrder({
      symbol: 'AAPL',
      qty: parseFixed('10'),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId: 'manual-buy-1',
    });
    await broker.close();

    const systemFile = folder.write(
      'system.json',
      engineConfig({
        simulatorPort: simulator.port,
        dynamo: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
        tablePrefix: 'unused',
        account: 'in-process',
        strategies: [],
      }),
    );
    const loaded = loadConfig({ systemFile, env: {} });
    engine = new TradingEngine({
      config: loaded,
      credentials,
      strategies: [],
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
    });
    await engine.start();
    const status = () =>
      engine!.status() as {
        positions: { symbol: string; qty: string; avgEntryPrice: string }[];
        pnl: { unrealized: string };
      };
    for (let tries = 0; status().positions.length === 0 && tries < 100; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(status().positions).toStrictEqual([{ symbol: 'AAPL', qty: '10', avgEntryPrice: '100.02' }]);

    simulator.market.setQuote('AAPL', { bidPrice: 101, askPrice: 101.04, bidSize: 500, askSize: 500 });
    for (let tries = 0; status().pnl.unrealized !== '10' && tries < 100; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    // 10 × (101.02 − 100.02)
    expect(status().pnl.unrealized).toBe('10');
  });
});
