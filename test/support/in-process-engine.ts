/**
 * An engine in the test's own process, without persistence, pointed at a simulator: the
 * development config and the shipped risk limits, written to a scratch folder and loaded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { EngineNotifier } from '../../engine/notifications/engine-notifier.ts';
import { TradingEngine } from '../../engine/trading-engine.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { Strategy } from '../../shared/strategies/strategy.ts';
import { systemClock } from '../../shared/time/clock.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { engineConfig, ROOT } from './engine-process.ts';
import type { tempFolder } from './temp-files.ts';

export const SIM_CREDENTIALS = { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };

export interface InProcessEngineOptions {
  readonly folder: ReturnType<typeof tempFolder>;
  readonly simulator: Simulator;
  readonly account: string;
  readonly strategies?: readonly Strategy[];
  readonly registry?: Registry;
  readonly notifier?: EngineNotifier;
}

/** Built, not started; on the wall clock, logging nothing. */
export function inProcessEngine(options: InProcessEngineOptions): TradingEngine {
  const { folder, simulator } = options;
  folder.write('risk_limits.toml', readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8'));
  const systemFile = folder.write(
    'system.json',
    engineConfig({
      simulatorPort: simulator.port,
      dynamo: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
      tablePrefix: 'unused',
      account: options.account,
      strategies: [],
    }),
  );
  return new TradingEngine({
    config: loadConfig({ systemFile, env: {} }),
    credentials: SIM_CREDENTIALS,
    strategies: options.strategies ?? [],
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    registry: options.registry ?? new Registry(),
    ...(options.notifier === undefined ? {} : { notifier: options.notifier }),
  });
}

/** A position opened at the venue by hand, as a trader outside the engine would: a market buy. */
export async function buyAtVenue(
  simulator: Simulator,
  symbol: string,
  qty: string,
  clientOrderId: string,
): Promise<void> {
  const broker = new AlpacaTradingClient({ baseUrl: simulator.baseUrl, credentials: SIM_CREDENTIALS });
  try {
    await broker.submitOrder({
      symbol,
      qty: parseFixed(qty),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId,
    });
  } finally {
    await broker.close();
  }
}
