/**
 * Starts the local stack's three processes in order — the simulator (the venue), the local AWS
 * stand-ins, then the engine — each told the others' actual addresses, so any of them may run on
 * an ephemeral port. `npm start` and the soak test both start the stack through this.
 */
import { API_ROLES, API_TOKEN_VARIABLES, type ApiRole } from '../shared/api/api-roles.ts';
import { generateMissingTokens } from '../shared/api/api-tokens.ts';
import type { SystemConfig } from '../shared/config/system-schema.ts';
import { type ChildProcesses, waitForLine } from './child-processes.ts';

export interface LaunchOptions {
  readonly system: SystemConfig;
  readonly configFile: string;
  readonly riskFile?: string;
  /** The local DynamoDB API's data folder. */
  readonly dataPath: string;
  /** Every child's environment (API tokens, overrides); the launcher adds the addresses it learns. */
  readonly env: NodeJS.ProcessEnv;
  /** Instead of the config's `simulator.messagesPerSecond`. */
  readonly messagesPerSecond?: number;
}

export interface LaunchedStack {
  /** The simulator's HTTP base, when the config runs one. */
  readonly tradingUrl: string | undefined;
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string | undefined;
  readonly engineApi: string;
}

export interface StackTokens {
  /** `base` with a token for every role. */
  readonly env: NodeJS.ProcessEnv;
  /** The tokens made for this run (roles the environment had none for). */
  readonly generatedTokens: Partial<Record<ApiRole, string>>;
  readonly apiTokens: Partial<Record<ApiRole, string>>;
}

/** The engine's API wants a token on loopback too: a role without one set gets a fresh one per run. */
export function withApiTokens(base: NodeJS.ProcessEnv): StackTokens {
  const env: NodeJS.ProcessEnv = { ...base };
  const generatedTokens = generateMissingTokens(env);
  for (const [role, token] of Object.entries(generatedTokens))
    env[API_TOKEN_VARIABLES[role as ApiRole]] = token;
  const apiTokens = Object.fromEntries(
    API_ROLES.flatMap((role) => {
      const token = env[API_TOKEN_VARIABLES[role]];
      return token === undefined ? [] : [[role, token]];
    }),
  ) as Partial<Record<ApiRole, string>>;
  return { env, generatedTokens, apiTokens };
}

/** Throws when a process exits or stays silent while starting; the caller stops what did start. */
export async function launchLocalStack(
  children: ChildProcesses,
  options: LaunchOptions,
): Promise<LaunchedStack> {
  const { system, configFile, dataPath } = options;
  const riskArgs = options.riskFile === undefined ? [] : ['--risk', options.riskFile];
  // Children learn the simulator's and the store's actual addresses through the documented
  // overrides, so either may run on an ephemeral port (port 0 in the config, as tests do).
  const env: NodeJS.ProcessEnv = { ...options.env };
  let tradingUrl: string | undefined;
  if (system.simulator !== undefined) {
    const simulator = children.start(
      'simulator',
      [
        'sim/main.ts',
        '--port',
        String(system.simulator.port),
        '--seed',
        String(system.simulator.seed),
        '--symbols',
        system.marketData.symbols.join(','),
        '--rate',
        String(options.messagesPerSecond ?? system.simulator.messagesPerSecond),
        '--history-minutes',
        String(system.simulator.historyMinutes),
      ],
      env,
    );
    const [, port] = await waitForLine(simulator, /^port=(\d+)$/, 30_000);
    tradingUrl = `http://127.0.0.1:${port}`;
    Object.assign(env, {
      TRADING_BROKER_TRADING_URL: tradingUrl,
      TRADING_BROKER_DATA_URL: tradingUrl,
      TRADING_BROKER_TRADING_STREAM_URL: `ws://127.0.0.1:${port}/stream`,
      TRADING_BROKER_MARKET_DATA_STREAM_URL: `ws://127.0.0.1:${port}/v2/${system.marketData.feed}`,
      TRADING_BROKER_CRYPTO_DATA_STREAM_URL: `ws://127.0.0.1:${port}/v1beta3/crypto/us`,
    });
  }
  const stack = children.start(
    'local stack',
    ['local/local-stack-main.ts', '--config', configFile, ...riskArgs, '--data', dataPath],
    env,
  );
  const [, dynamoEndpoint, sqsEndpoint] = await waitForLine(
    stack,
    /"endpoint":"(http:\/\/127\.0\.0\.1:\d+)".*?(?:"sqsEndpoint":"(http:\/\/127\.0\.0\.1:\d+)".*)?local stack started/,
    30_000,
  );
  const engine = children.start('engine', ['engine/main.ts', '--config', configFile, ...riskArgs], {
    ...env,
    TRADING_DYNAMODB_ENDPOINT: dynamoEndpoint!,
    ...(sqsEndpoint === undefined ? {} : { TRADING_SQS_ENDPOINT: sqsEndpoint }),
  });
  const [, engineApi] = await waitForLine(
    engine,
    /"api":"(http:\/\/127\.0\.0\.1:\d+)".*"engine started"/,
    60_000,
  );
  return { tradingUrl, dynamoEndpoint: dynamoEndpoint!, sqsEndpoint, engineApi: engineApi! };
}
