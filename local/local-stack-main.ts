/**
 * node local/local-stack-main.ts [--config config/system.json] [--data .data/dynamo]
 * Runs the local DynamoDB API and the watchdog until SIGINT/SIGTERM. Wiring only.
 * Broker keys as the engine reads them (shared/config/broker-credentials.ts).
 */
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { AlpacaTradingClient } from '../shared/broker/alpaca/trading-client.ts';
import { CredentialsError, loadBrokerCredentials } from '../shared/config/broker-credentials.ts';
import { ConfigError } from '../shared/config/config-error.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { systemClock } from '../shared/time/clock.ts';
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
  let credentials: Awaited<ReturnType<typeof loadBrokerCredentials>>;
  try {
    credentials = await loadBrokerCredentials({ system, env: process.env });
  } catch (error) {
    if (error instanceof CredentialsError) {
      console.error(`${error.message} (the watchdog cancels orders at the broker)`);
      return 1;
    }
    throw error;
  }
  const logger = createLogger({ name: 'local-stack', level: system.logging.level });
  const broker = new AlpacaTradingClient({
    baseUrl: system.broker.tradingUrl,
    credentials,
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
