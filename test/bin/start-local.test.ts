/**
 * The local stack as a new user runs it: the launcher starts the simulator, the local AWS
 * stand-ins (with the SQS API and the signal function) and the engine; the engine becomes
 * healthy, both strategies trade, and everything stops on Ctrl-C.
 */
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { localEndpointsFile, readLocalEndpoints } from '../../local/local-endpoints.ts';
import { shippedSystemConfig } from '../support/shipped-config.ts';
import { tempFolder } from '../support/temp-files.ts';

const ROOT = join(import.meta.dirname, '../..');
const folder = tempFolder();
let launcher: ChildProcess | undefined;

/** Every process under `root`, found through ps (the stack's processes each lead their own group). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

afterAll(async () => {
  // A test that failed midway leaves the stack running: ask as Ctrl-C does (the launcher stops
  // its processes), then force whatever of it is still there, each process by its pid.
  const running = launcher;
  if (running?.pid !== undefined && running.exitCode === null && running.signalCode === null) {
    const processes = descendants(running.pid);
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(-running.pid, 'SIGINT');
    await Promise.race([exited, sleep(20_000)]);
    for (const pid of [running.pid, ...processes]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
  }
  folder.remove();
}, 30_000);

/**
 * The shipped config on ephemeral ports, with its model-driven strategy (through the signal path)
 * beside an in-engine one. Both are made hair triggers so the first orders come within a minute:
 * the quote strategy on a short period, the model through a manifest that reads any score as long.
 */
function localConfig(): string {
  const config = shippedSystemConfig() as {
    simulator: Record<string, unknown>;
    engine: { http: Record<string, unknown> };
    strategies: Record<string, unknown>[];
  };
  config.simulator.port = 0;
  config.simulator.messagesPerSecond = 500;
  config.engine.http.port = 0;
  const model = config.strategies.find((strategy) => strategy.type === 'model-driven')!;
  const manifest = JSON.parse(readFileSync(model.manifest as string, 'utf8'));
  manifest.file = join(dirname(model.manifest as string), manifest.file);
  manifest.signal = { fullShortAt: 0, shortBelow: 0.001, longAbove: 0.001, fullLongAt: 0.5 };
  model.manifest = folder.write('always-long.json', JSON.stringify(manifest));
  model.minConfidence = 0;
  config.strategies = [
    model,
    { type: 'mid-price-momentum', id: 'fast', period: 20, thresholdBps: 1, entryQty: '5' },
  ];
  // Not beside system.json: only --risk can lead the launcher and its children to it. The hair
  // trigger loses often: the breaker and the fill latch would stop it before the model's first bar.
  const risk = readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8')
    .replace(/^max_consecutive_losses = .*$/m, 'max_consecutive_losses = 1000000')
    .replace(/^max_fills = .*$/m, 'max_fills = 1000000');
  folder.write('custom-risk.toml', risk);
  return folder.write('system.json', JSON.stringify(config));
}

function waitFor<T>(
  lines: string[],
  listeners: Set<() => void>,
  find: (line: string) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      for (const line of lines) {
        const found = find(line);
        if (found !== undefined) {
          listeners.delete(onLine);
          clearTimeout(timer);
          resolve(found);
          return true;
        }
      }
      return false;
    };
    const onLine = (): void => {
      check();
    };
    const timer = setTimeout(() => {
      listeners.delete(onLine);
      reject(new Error(`no ${what} within ${timeoutMs} ms; last lines:\n${lines.slice(-5).join('\n')}`));
    }, timeoutMs);
    if (!check()) listeners.add(onLine);
  });
}

/** Starts `command args` as its own process group, collecting every line it prints. */
function launch(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { lines: string[]; listeners: Set<() => void>; exited: Promise<string> } {
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  launcher = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  const exited = new Promise<string>((resolve) =>
    launcher!.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  for (const stream of [launcher.stdout!, launcher.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const listener of listeners) listener();
    });
  }
  return { lines, listeners, exited };
}

describe('Command: npm start (bin/start-local.ts)', () => {
  it('starts the stack, answers health, shows orders and fills, and stops cleanly on SIGINT', async () => {
    // As a user runs it: through npm, with whatever `node` the machine has first on PATH (this
    // test's own PATH minus the project's node_modules/.bin, which npm test put first). On a
    // machine whose node is 20 this fails with `Unknown file extension ".ts"` unless npm runs the
    // script on the project's own Node 24.
    const machinePath = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => !dir.endsWith(join('node_modules', '.bin')))
      .join(delimiter);
    const { lines, listeners, exited } = launch(
      'npm',
      [
        'start',
        '--silent',
        '--',
        '--config',
        localConfig(),
        '--risk',
        folder.path('custom-risk.toml'),
        '--data',
        folder.path('dynamo'),
      ],
      { ...process.env, PATH: machinePath },
    );

    const api = await waitFor(
      lines,
      listeners,
      (line) => /"api":"(http:\/\/127\.0\.0\.1:\d+)".*"engine started"/.exec(line)?.[1],
      60_000,
      'engine start',
    );
    let health: { status: string } = { status: 'starting' };
    for (let attempt = 0; attempt < 60 && health.status !== 'ok'; attempt++) {
      health = (await (await fetch(`${api}/health`)).json()) as { status: string };
      if (health.status !== 'ok') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(health.status).toBe('ok');

    // npm start says where it runs, so `npm run job` runs a job against it.
    const endpoints = JSON.parse(readFileSync(folder.path('local-endpoints.json'), 'utf8'));
    // Written by the stack's process, which npm started.
    expect(endpoints).toMatchObject({ pid: expect.any(Number), engineApi: api });
    expect(endpoints.pid).not.toBe(launcher!.pid);
    const premarket = await new Promise<{ report: { job: string; table: { rows: string[][] } } }>(
      (resolve, reject) =>
        execFile(
          process.execPath,
          [
            'bin/job.ts',
            'premarket',
            '--json',
            '--config',
            folder.path('system.json'),
            '--risk',
            folder.path('custom-risk.toml'),
            '--data',
            folder.path('dynamo'),
          ],
          { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
          (error, stdout) => (stdout === '' ? reject(error) : resolve(JSON.parse(stdout))),
        ),
    );
    expect(premarket.report.job).toBe('premarket');
    expect(premarket.report.table.rows.find((row) => row[0] === 'engine_health')?.[1]).toBe('pass');

    const fill = await waitFor(
      lines,
      listeners,
      (line) => (line.includes('"msg":"fill"') ? JSON.parse(line) : undefined),
      60_000,
      'fill',
    );
    expect(fill).toMatchObject({
      component: 'execution',
      side: expect.stringMatching(/buy|sell/),
      qty: expect.any(String),
      price: expect.any(String),
    });

    // The engine wants a token on loopback too; npm start generated one per role for this run.
    expect((await fetch(`${api}/status`)).status).toBe(401);
    const tokens = readLocalEndpoints(localEndpointsFile(folder.path('dynamo')))?.apiTokens;
    expect(Object.keys(tokens ?? {}).sort()).toStrictEqual(['admin', 'operator', 'read']);
    const status = (await (
      await fetch(`${api}/status`, { headers: { authorization: `Bearer ${tokens!.read}` } })
    ).json()) as {
      positions: unknown[];
      openOrders: unknown[];
    };
    expect(status.positions.length + status.openOrders.length).toBeGreaterThan(0);

    // The model's first signal comes when the first live minute closes after the start.
    const strategiesTrading = new Set<string>();
    await waitFor(
      lines,
      listeners,
      (line) => {
        const accepted = /"strategyId":"([^"]+)".*"msg":"order accepted"/.exec(line);
        if (accepted !== null) strategiesTrading.add(accepted[1]!);
        return strategiesTrading.size === 2 ? true : undefined;
      },
      100_000,
      'orders from both the model (signal path) and the quote strategy',
    );
    expect([...strategiesTrading].sort()).toStrictEqual(['fast', 'model']);

    // Ctrl-C in a terminal: SIGINT to npm and the stack alike.
    // npm waits for the stack to stop, then ends itself by the same signal, as a shell would.
    process.kill(-launcher!.pid!, 'SIGINT');
    expect(await exited).toMatch(/^(exit 0|SIGINT)$/);
    expect(lines.some((line) => line.includes('"msg":"engine stopped"'))).toBe(true);
    expect(lines.some((line) => line.includes('"msg":"local stack stopped"'))).toBe(true);
    await expect(fetch(`${api}/health`)).rejects.toThrow();
    expect(existsSync(folder.path('local-endpoints.json'))).toBe(false);
  }, 240_000);

  it("shows a banner and each process's log lines pretty-printed under its name with --pretty", async () => {
    const { lines, listeners, exited } = launch(process.execPath, [
      'bin/start-local.ts',
      '--config',
      localConfig(),
      '--risk',
      folder.path('custom-risk.toml'),
      '--data',
      folder.path('dynamo-pretty'),
      '--pretty',
    ]);
    const api = await waitFor(
      lines,
      listeners,
      (line) => /^ {2}engine API {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1],
      60_000,
      'banner',
    );
    expect(lines).toContain('local stack ready');
    expect(
      lines.some((line) =>
        /^ {2}simulator {3}http:\/\/127\.0\.0\.1:\d+ {3}keys SIMKEYID \/ SIMSECRETKEY$/.test(line),
      ),
    ).toBe(true);
    expect(lines.some((line) => /^engine {6}│ \[[\d:.]+\] INFO: engine started$/.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith(`engine      │     api: "${api}"`))).toBe(true);
    expect(lines.some((line) => line.startsWith('local stack │ '))).toBe(true);
    expect(lines.some((line) => line.startsWith('simulator   │ '))).toBe(true);
    // Nothing for machines leaks through: no raw JSON log line.
    expect(lines.filter((line) => line.startsWith('{"level"'))).toStrictEqual([]);

    launcher!.kill('SIGINT');
    expect(await exited).toBe('exit 0');
  }, 120_000);

  it('exits 1 naming the file when the risk file cannot be read, before starting anything', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/start-local.ts', '--config', localConfig(), '--risk', folder.path('missing.toml')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(folder.path('missing.toml'));
    expect(result.stderr).toContain('cannot read the file');
  });
});
