/**
 * The image's command run as its container would run it, without Docker: the Dockerfile's final
 * stage CMD from the repository root (standing in for WORKDIR /app), with the stage's ENV and what
 * a task definition adds: the config named by TRADING_CONFIG_FILE, the risk file by
 * TRADING_RISK_FILE, the broker keys. The config is the production file with only what must
 * differ here changed. The HEALTHCHECK command is run against it while it trades and after it
 * has stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { bearer, TEST_API_TOKEN_ENV } from '../support/api-tokens.ts';
import {
  type Command,
  instructionsOf,
  parseCommand,
  parseEnv,
  parseHealthcheck,
  readStages,
} from '../support/dockerfile.ts';
import { type EngineProcess, runNode, startNode } from '../support/engine-process.ts';
import { shippedSystemConfig } from '../support/shipped-config.ts';
import { tempFolder } from '../support/temp-files.ts';

const KEY_ID = 'PKCONTAINERTESTKEY';
const SECRET_KEY = 'container-test-secret-0123456789';
const TABLE_PREFIX = 'trading-container';
// ECS sends SIGKILL 30 s after SIGTERM by default; the engine must be gone well before.
const STOP_WITHIN_MS = 15_000;

const final = readStages().at(-1)!;
const imageEnv: Record<string, string> = Object.assign(
  {},
  ...instructionsOf(final, 'ENV').map(({ args }) => parseEnv(args)),
);

/** An exec-form `node …` command of the image, as arguments for the Node that runs these tests. */
function nodeArgs(command: Command | 'NONE'): string[] {
  if (command === 'NONE' || command.form !== 'exec' || command.argv[0] !== 'node') {
    throw new Error(`not an exec-form node command: ${JSON.stringify(command)}`);
  }
  return command.argv.slice(1);
}

const mainArgs = nodeArgs(parseCommand(instructionsOf(final, 'CMD').at(-1)!.args));
const checkArgs = nodeArgs(parseHealthcheck(instructionsOf(final, 'HEALTHCHECK').at(-1)!.args).command);

describe('Container command: the image CMD and HEALTHCHECK, run as ECS runs them', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let dynamo: LocalDynamo;
  let engine: EngineProcess | undefined;

  beforeAll(async () => {
    const production = shippedSystemConfig('system.production.json');
    simulator = await startSimulator({
      port: 0,
      symbols: (production.marketData as { symbols: string[] }).symbols,
      messagesPerSecond: 200,
      keyId: KEY_ID,
      secretKey: SECRET_KEY,
    });
    dynamo = await startLocalDynamo({ tablePrefix: TABLE_PREFIX });
  });

  afterAll(async () => {
    if (engine !== undefined && engine.child.exitCode === null) engine.child.kill('SIGKILL');
    await simulator?.close();
    await dynamo?.close();
    folder.remove();
  });

  /** config/system.production.json, its keys unchanged, pointed at this test's venue and store. */
  function productionShapedConfig(): string {
    const production = shippedSystemConfig('system.production.json');
    const base = `127.0.0.1:${simulator.port}`;
    const config = {
      ...production,
      // production refuses plaintext endpoints; the simulator on loopback speaks http and ws only.
      environment: 'staging',
      broker: {
        ...(production.broker as object),
        tradingUrl: `http://${base}`,
        tradingStreamUrl: `ws://${base}/stream`,
        dataUrl: `http://${base}`,
        marketDataStreamUrl: `ws://${base}/v2/iex`,
        cryptoDataStreamUrl: `ws://${base}/v1beta3/crypto/us`,
        credentials: { source: 'environment' },
      },
      engine: { http: { host: '127.0.0.1', port: 0 } },
      store: { ...(production.store as object), tablePrefix: TABLE_PREFIX, endpoint: dynamo.endpoint },
    };
    expect(Object.keys(config)).toStrictEqual(Object.keys(production));
    return folder.write('system.container.json', JSON.stringify(config));
  }

  it('runs from /app, trades at the venue, passes its health check, and stops cleanly on SIGTERM', async () => {
    expect(instructionsOf(final, 'WORKDIR').at(-1)?.args).toBe('/app');

    engine = startNode(mainArgs, {
      ...imageEnv,
      // ECS injects the API's role tokens from Secrets Manager (infra/engine-service.ts).
      ...TEST_API_TOKEN_ENV,
      TRADING_CONFIG_FILE: productionShapedConfig(),
      // Relative, as a task definition names a file of the image: resolved from the working directory.
      TRADING_RISK_FILE: 'config/risk_limits.toml',
      APCA_API_KEY_ID: KEY_ID,
      APCA_API_SECRET_KEY: SECRET_KEY,
    });
    const started = JSON.parse(await engine.waitFor(/"msg":"engine started"/, 30_000));
    expect(started).toMatchObject({
      environment: 'staging',
      account: 'production-live',
      paper: false,
      venue: 'alpaca',
      strategies: [],
    });
    const healthUrl = `${started.api}/health`;
    expect(await runNode(checkArgs, { ...imageEnv, ENGINE_HEALTH_URL: healthUrl })).toStrictEqual({
      code: 0,
      stderr: '',
    });

    await engine.waitFor(/trading state reconciled; entries resume/, 30_000);
    const health = async () => (await fetch(healthUrl)).json() as Promise<{ status: string }>;
    for (let tries = 0; (await health()).status !== 'ok' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await health()).toMatchObject({ status: 'ok', checks: { phase: 'trading', reconciled: 'true' } });
    expect((await fetch(`${started.api}/status`, { headers: bearer('read') })).status).toBe(200);

    const stopping = Date.now();
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(STOP_WITHIN_MS);
    expect(engine.lines.some((line) => line.includes('"msg":"engine stopped"'))).toBe(true);

    const afterStop = await runNode(checkArgs, { ...imageEnv, ENGINE_HEALTH_URL: healthUrl });
    expect(afterStop.code).toBe(1);
    expect(afterStop.stderr).toMatch(/ECONNREFUSED/);
  }, 90_000);

  it('refuses to start when the task definition sets TRADING_CONFIG_FILE empty, naming it', async () => {
    const refused = startNode(mainArgs, {
      ...imageEnv,
      TRADING_CONFIG_FILE: '',
    });
    expect(await refused.exited).toBe(2);
    expect(refused.lines[0]).toBe('TRADING_CONFIG_FILE is set but empty; name a file or unset it');
  });
});
