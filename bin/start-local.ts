/**
 * npm start [-- --config FILE]: the local stack. Three processes, as in production: the
 * simulator (the venue), the local AWS stand-ins (DynamoDB API, the cancel-on-disconnect
 * watchdog, and with a `signals` config the SQS API and the signal function) and the engine. Separate processes because a venue or a watchdog that died with the
 * engine would prove nothing. Ctrl-C stops the engine first, then the rest.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { localEndpointsFile, removeLocalEndpoints, writeLocalEndpoints } from '../local/local-endpoints.ts';
import {
  type OutputMode,
  outputMode,
  processLineFormatter,
  startBannerText,
} from '../local/process-output.ts';
import { API_ROLES, API_TOKEN_VARIABLES, type ApiRole } from '../shared/api/api-roles.ts';
import { generateMissingTokens } from '../shared/api/api-tokens.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../shared/broker/simulator-credentials.ts';
import { loadConfigOrReport } from '../shared/config/load-config.ts';

const USAGE = 'usage: npm start [-- --config FILE] [--risk FILE] [--data FOLDER] [--json | --pretty]';
const NAME_WIDTH = 'local stack'.length;
const STOP_TIMEOUT_MS = 15_000;

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Called with every line the child prints, before it is echoed. */
  readonly lineListeners: Set<(line: string) => void>;
}

const children: Child[] = [];
let mode: OutputMode = 'json';

function start(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  // Each child leads its own process group so the terminal's Ctrl-C reaches only this launcher,
  // which then stops the children in order.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true, env });
  const lineListeners = new Set<(line: string) => void>();
  const format = processLineFormatter(name, mode, {
    colorize: process.stdout.isTTY === true,
    width: NAME_WIDTH,
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    for (const listener of lineListeners) listener(line);
    process.stdout.write(format(line));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const entry = { name, process: child, exited, lineListeners };
  children.push(entry);
  return entry;
}

async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

async function stopAll(): Promise<void> {
  for (const child of [...children].reverse()) await stop(child);
}

function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const listener = (line: string): void => {
      const match = pattern.exec(line);
      if (match === null) return;
      clearTimeout(timer);
      child.lineListeners.delete(listener);
      resolve(match);
    };
    const timer = setTimeout(() => {
      child.lineListeners.delete(listener);
      reject(new Error(`${child.name} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.lineListeners.add(listener);
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited with code ${code} while starting`));
    });
  });
}

async function main(): Promise<number> {
  let values: { config?: string; risk?: string; data?: string; json?: boolean; pretty?: boolean };
  try {
    values = parseArgs({
      options: {
        config: { type: 'string' },
        risk: { type: 'string' },
        data: { type: 'string' },
        json: { type: 'boolean' },
        pretty: { type: 'boolean' },
      },
    }).values;
    if (values.json && values.pretty) throw new Error('--json and --pretty cannot both be given');
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  mode = outputMode(values, process.stdout.isTTY === true);
  const configFile = values.config ?? 'config/system.json';
  const config = loadConfigOrReport({
    systemFile: configFile,
    ...(values.risk ? { riskFile: values.risk } : {}),
  });
  if (config === null) return 1;
  const riskArgs = values.risk === undefined ? [] : ['--risk', values.risk];
  const { system } = config;

  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  // Children learn the simulator's and the store's actual addresses through the documented
  // overrides, so either may run on an ephemeral port (port 0 in the config, as tests do).
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The engine's API wants a token on loopback too: a role without one set gets a fresh one per run.
  const generatedTokens = generateMissingTokens(env);
  for (const [role, token] of Object.entries(generatedTokens))
    env[API_TOKEN_VARIABLES[role as ApiRole]] = token;
  const apiTokens = Object.fromEntries(
    API_ROLES.flatMap((role) => {
      const token = env[API_TOKEN_VARIABLES[role]];
      return token === undefined ? [] : [[role, token]];
    }),
  );
  const dataPath = values.data ?? '.data/dynamo';
  const endpointsFile = localEndpointsFile(dataPath);
  try {
    if (system.simulator !== undefined) {
      const simulator = start('simulator', [
        'sim/main.ts',
        '--port',
        String(system.simulator.port),
        '--seed',
        String(system.simulator.seed),
        '--symbols',
        system.marketData.symbols.join(','),
        '--rate',
        String(system.simulator.messagesPerSecond),
        '--history-minutes',
        String(system.simulator.historyMinutes),
      ]);
      const [, port] = await waitForLine(simulator, /^port=(\d+)$/, 30_000);
      Object.assign(env, {
        TRADING_BROKER_TRADING_URL: `http://127.0.0.1:${port}`,
        TRADING_BROKER_DATA_URL: `http://127.0.0.1:${port}`,
        TRADING_BROKER_TRADING_STREAM_URL: `ws://127.0.0.1:${port}/stream`,
        TRADING_BROKER_MARKET_DATA_STREAM_URL: `ws://127.0.0.1:${port}/v2/${system.marketData.feed}`,
        TRADING_BROKER_CRYPTO_DATA_STREAM_URL: `ws://127.0.0.1:${port}/v1beta3/crypto/us`,
      });
    }
    const stack = start(
      'local stack',
      ['local/local-stack-main.ts', '--config', configFile, ...riskArgs, '--data', dataPath],
      env,
    );
    const [, endpoint, sqsEndpoint] = await waitForLine(
      stack,
      /"endpoint":"(http:\/\/127\.0\.0\.1:\d+)".*?(?:"sqsEndpoint":"(http:\/\/127\.0\.0\.1:\d+)".*)?local stack started/,
      30_000,
    );
    const engine = start('engine', ['engine/main.ts', '--config', configFile, ...riskArgs], {
      ...env,
      TRADING_DYNAMODB_ENDPOINT: endpoint!,
      ...(sqsEndpoint === undefined ? {} : { TRADING_SQS_ENDPOINT: sqsEndpoint }),
    });
    const [, engineApi] = await waitForLine(
      engine,
      /"api":"(http:\/\/127\.0\.0\.1:\d+)".*"engine started"/,
      60_000,
    );
    // For `npm run job` and `npm run restore`, and the local stack's scheduled jobs.
    writeLocalEndpoints(endpointsFile, {
      pid: process.pid,
      ...(env.TRADING_BROKER_TRADING_URL === undefined ? {} : { tradingUrl: env.TRADING_BROKER_TRADING_URL }),
      dynamoEndpoint: endpoint!,
      ...(sqsEndpoint === undefined ? {} : { sqsEndpoint }),
      engineApi: engineApi!,
      apiTokens,
    });
    if (mode === 'pretty')
      process.stdout.write(
        startBannerText({
          engineApi: engineApi!,
          ...(generatedTokens.operator === undefined ? {} : { operatorToken: generatedTokens.operator }),
          ...(env.TRADING_BROKER_TRADING_URL === undefined
            ? {}
            : {
                simulator: {
                  url: env.TRADING_BROKER_TRADING_URL,
                  keyId: DEFAULT_SIM_KEY_ID,
                  secretKey: DEFAULT_SIM_SECRET_KEY,
                },
              }),
          dataFolder: dataPath,
          endpointsFile,
          configFile,
        }),
      );
  } catch (error) {
    console.error(`local stack failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    removeLocalEndpoints(endpointsFile, process.pid);
    return 1;
  }

  const firstExit = Promise.race(children.map((child) => child.exited.then((code) => ({ child, code }))));
  const outcome = await Promise.race([stopped.then((signal) => ({ signal })), firstExit]);
  await stopAll();
  removeLocalEndpoints(endpointsFile, process.pid);
  if ('signal' in outcome) return 0;
  console.error(`${outcome.child.name} exited with code ${outcome.code}; stopping the local stack`);
  return 1;
}

process.exitCode = await main();
