/**
 * node local/local-stack-main.ts [--config config/system.json] [--risk FILE] [--data .data/dynamo]
 * Runs the local DynamoDB API, the watchdog and the scheduled operations jobs until SIGINT/SIGTERM. Wiring only.
 * Broker keys as the engine reads them (shared/config/broker-credentials.ts).
 */
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { AlpacaTradingClient } from '../shared/broker/alpaca/trading-client.ts';
import { CredentialsError, loadBrokerCredentials } from '../shared/config/broker-credentials.ts';
import { loadConfigOrReport } from '../shared/config/load-config.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { systemClock } from '../shared/time/clock.ts';
import { localEndpointsFile, readLocalEndpoints } from './local-endpoints.ts';
import { startLocalStack } from './local-stack.ts';

const USAGE = 'usage: node local/local-stack-main.ts [--config FILE] [--risk FILE] [--data FOLDER]';

async function main(): Promise<number> {
  let values: { config?: string; risk?: string; data?: string };
  try {
    values = parseArgs({
      options: { config: { type: 'string' }, risk: { type: 'string' }, data: { type: 'string' } },
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const config = loadConfigOrReport({
    systemFile: values.config ?? 'config/system.json',
    ...(values.risk ? { riskFile: values.risk } : {}),
  });
  if (config === null) return 1;
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
  const dataPath = values.data ?? '.data/dynamo';
  const endpointsFile = localEndpointsFile(dataPath);
  const configuredApi = `http://${system.engine.http.host}:${system.engine.http.port}`;
  const stack = await startLocalStack({
    system,
    models: config.models,
    dataPath,
    ops: {
      config,
      broker,
      // npm start writes the engine's actual address once it runs; a config port is the fallback.
      engineApiUrl: () => readLocalEndpoints(endpointsFile)?.engineApi ?? configuredApi,
      ...(process.env.TRADING_READ_TOKEN === undefined
        ? {}
        : { engineApiToken: process.env.TRADING_READ_TOKEN }),
      feesFile: 'config/fees.toml',
      dataFolder: dataPath,
    },
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
