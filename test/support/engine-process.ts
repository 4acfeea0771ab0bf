/**
 * A real engine process (node engine/main.ts) for tests: its log lines, a way to wait for one,
 * and its exit code. Also the config such a test writes, pointing the engine at a simulator and
 * a local DynamoDB that the test process hosts.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createPersistence, type Persistence } from '../../engine/persistence/persistence.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { TEST_API_TOKEN_ENV } from './api-tokens.ts';

export const ROOT = join(import.meta.dirname, '../..');

export interface EngineProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
}

/**
 * Starts `node engine/main.ts --config FILE [--risk FILE]` with only PATH, the tests' API tokens
 * and `env` in its environment (the risk file defaults to risk_limits.toml beside the config).
 */
export function startEngine(
  configFile: string,
  env: Record<string, string> = {},
  riskFile?: string,
): EngineProcess {
  return startNode(
    ['engine/main.ts', '--config', configFile, ...(riskFile === undefined ? [] : ['--risk', riskFile])],
    { ...TEST_API_TOKEN_ENV, ...env },
  );
}

/**
 * Starts `node ARGS…` (this Node) in the repository root with only PATH and `env` in its
 * environment, as a container starts its command in its working directory.
 */
export function startNode(args: readonly string[], env: Record<string, string> = {}): EngineProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const waiter of waiters) waiter();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find((line) => pattern.test(line));
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `engine: no ${pattern} within ${timeoutMs} ms; last lines:\n${lines.slice(-8).join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

/** Runs `node ARGS…` as startNode does, to its end (a one-shot command such as the health check). */
export function runNode(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 20_000 },
      // A command killed by the timeout has no exit code; -1 fails any test expecting one.
      (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr }),
    );
  });
}

export interface EngineConfigOptions {
  readonly simulatorPort: number;
  readonly dynamo: { readonly region: string; readonly endpoint: string };
  readonly tablePrefix: string;
  readonly account: string;
  readonly strategies: readonly unknown[];
  /** Default AAPL and MSFT. */
  readonly symbols?: readonly string[];
  /** Default 1.5 s, so that a takeover or a restart after a kill happens quickly. */
  readonly leaseTtlMs?: number;
  /** Default none: no EMF metric lines on stdout, as in development. */
  readonly cloudwatchMetrics?: { readonly intervalSeconds: number };
}

/** The development config, pointed at the test's simulator and store. */
export function engineConfig(options: EngineConfigOptions): string {
  const config = JSON.parse(readFileSync(join(ROOT, 'config/system.json'), 'utf8'));
  const base = `127.0.0.1:${options.simulatorPort}`;
  config.broker = {
    ...config.broker,
    tradingUrl: `http://${base}`,
    dataUrl: `http://${base}`,
    tradingStreamUrl: `ws://${base}/stream`,
    marketDataStreamUrl: `ws://${base}/v2/iex`,
    cryptoDataStreamUrl: `ws://${base}/v1beta3/crypto/us`,
  };
  delete config.simulator;
  config.account.name = options.account;
  config.marketData.symbols = options.symbols ?? ['AAPL', 'MSFT'];
  config.store = {
    region: options.dynamo.region,
    tablePrefix: options.tablePrefix,
    endpoint: options.dynamo.endpoint,
    leaseTtlMs: options.leaseTtlMs ?? 1_500,
  };
  config.engine.http.port = 0;
  if (options.cloudwatchMetrics !== undefined) config.engine.cloudwatchMetrics = options.cloudwatchMetrics;
  config.strategies = options.strategies;
  return JSON.stringify(config);
}

/** The store as an engine sees it, for a test to read what the engines wrote; close it after. */
export function storeReader(
  dynamo: { readonly region: string; readonly endpoint: string },
  tablePrefix: string,
  account: string,
): Persistence {
  return createPersistence({
    store: { region: dynamo.region, tablePrefix, endpoint: dynamo.endpoint },
    accountName: account,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    onLeaseLost: () => {},
  });
}
