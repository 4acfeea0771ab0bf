/**
 * node bench/signals/signal-function-process.ts --config FILE --strategy ID --symbols A,B
 * The local stack's process as `npm start` runs it (dynalite, the watchdog, fauxqs and the signal
 * function behind the local event source), with the model-driven strategy's generator on the return
 * model (test/support/return-model.ts), whose verdicts a test can work out, instead of the
 * configured strategies' generators. Broker URLs
 * come from the TRADING_BROKER_* overrides. Runs until SIGTERM.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Registry } from 'prom-client';
import { startLocalStack } from '../../local/local-stack.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { ModelSignalGenerator } from '../../shared/signals/model-signal-generator.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { returnModel } from '../../test/support/return-model.ts';

const { values } = parseArgs({
  options: { config: { type: 'string' }, strategy: { type: 'string' }, symbols: { type: 'string' } },
});
const { system } = loadConfig({ systemFile: values.config!, env: process.env });
const broker = new AlpacaTradingClient({
  baseUrl: system.broker.tradingUrl,
  credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
});
const stack = await startLocalStack({
  system,
  generators: [new ModelSignalGenerator(values.strategy!, values.symbols!.split(','), returnModel())],
  broker,
  clock: systemClock,
  logger: pino({ level: 'info' }),
  registry: new Registry(),
});
await new Promise((resolve) => process.once('SIGTERM', resolve));
await stack.close();
await broker.close();
