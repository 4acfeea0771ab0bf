/**
 * npm start [-- --config FILE [--risk FILE]]
 * Wiring only: read config, build the parts, connect them, start; stop cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config/config-error.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { startHttpApi } from './api/http-server.ts';

const USAGE = 'usage: npm start -- [--config FILE] [--risk FILE]';

async function main(): Promise<number> {
  let values: { config?: string; risk?: string };
  try {
    values = parseArgs({ options: { config: { type: 'string' }, risk: { type: 'string' } } }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      systemFile: values.config ?? 'config/system.json',
      ...(values.risk ? { riskFile: values.risk } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const log = createLogger({ name: 'engine', level: config.system.logging.level });
  const startedAtMs = Date.now();
  const api = await startHttpApi(config.system.engine.http.host, config.system.engine.http.port, {
    'GET /health': () => ({
      status: 200,
      body: {
        status: 'ok',
        environment: config.system.environment,
        uptimeSeconds: Math.round((Date.now() - startedAtMs) / 1000),
      },
    }),
  });
  log.info(
    { environment: config.system.environment, account: config.system.account.name, port: api.port },
    'engine started',
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('engine stopping');
  await api.close();
  log.info('engine stopped');
  return 0;
}

process.exitCode = await main();
