/**
 * node local/local-stack-main.ts [--config config/system.json] [--data .data/dynamo]
 * Runs the local DynamoDB API and the watchdog until SIGINT/SIGTERM. Wiring only.
 * Broker keys: APCA_API_KEY_ID / APCA_API_SECRET_KEY, or the simulator's defaults for venue "simulator".
 */
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { AlpacaTradingClient } from '../shared/broker/alpaca/trading-client.ts';
import { ConfigError } from '../shared/config/config-error.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { systemClock } from '../shared/time/clock.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../sim/context.ts';
import { startLocalStack } from './local-stack.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: 'string' }, data: { type: 'string' } } });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ systemFile: values.config ?? 'config/system.json' });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const { system } = config;
  const keyId =
    process.env.APCA_API_KEY_ID ?? (system.broker.venue === 'simulator' ? DEFAULT_SIM_KEY_ID : undefined);
  const secretKey =
    process.env.APCA_API_SECRET_KEY ??
    (system.broker.venue === 'simulator' ? DEFAULT_SIM_SECRET_KEY : undefined);
  if (keyId === undefined || secretKey === undefined) {
    console.error('set APCA_API_KEY_ID and APCA_API_SECRET_KEY: the watchdog cancels orders at the broker');
    return 1;
  }
  const logger = createLogger({ name: 'local-stack', level: system.logging.level });
  const broker = new AlpacaTradingClient({
    baseUrl: system.broker.tradingUrl,
    credentials: { keyId, secretKey },
  });
  const stack = await startLocalStack({
    system,
    dataPath: values.data ?? '.data/dynamo',
    broker,
    clock: systemClock,
    logger,
    registry: new Registry(),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.close();
  await broker.close();
  logger.info('local stack stopped');
  return 0;
}

process.exitCode = await main();
