/**
 * `npm run ctl` as an operator runs it (node bin/ctl.ts, a child process) against a running engine
 * process on its own simulator and local DynamoDB: reads print the engine's answers, a manual buy
 * and a close reach the venue, and each kind of failure ends with the exit code docs/cli.md gives.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualOrderAnswer, PositionsAnswer } from '../../shared/api/engine-api-schemas.ts';
import { TEST_API_TOKEN_ENV, TEST_API_TOKENS } from '../support/api-tokens.ts';
import {
  type EngineOnSimulator,
  SHIPPED_RISK_FILE,
  startEngineOnSimulator,
} from '../support/engine-on-simulator.ts';
import { ROOT } from '../support/engine-process.ts';
import { tempFolder } from '../support/temp-files.ts';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('Command: npm run ctl (bin/ctl.ts)', () => {
  const folder = tempFolder();
  let stack: EngineOnSimulator;

  beforeAll(async () => {
    stack = await startEngineOnSimulator({
      folder,
      tablePrefix: 'ctl-cli',
      account: 'ctl-cli-acct',
      seed: 11,
      env: TEST_API_TOKEN_ENV,
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    folder.remove();
  });

  /** With the engine's address and `token` in the environment, as a script sets them. */
  function ctl(token: string | undefined, ...args: string[]): Promise<Run> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', TRADING_API_URL: stack.api };
    if (token !== undefined) env.TRADING_API_TOKEN = token;
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['bin/ctl.ts', ...args],
        { cwd: ROOT, encoding: 'utf8', env, timeout: 30_000 },
        (error, stdout, stderr) =>
          resolve({ status: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
    });
  }

  it('prints the status for a read token', async () => {
    const result = await ctl(TEST_API_TOKENS.read, 'status');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('breaker normal, reconciled yes');
    expect(result.stdout).toContain('no open positions');
  });

  it('prints the positions answer as JSON for a script', async () => {
    const result = await ctl(TEST_API_TOKENS.read, 'positions', '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout) as PositionsAnswer).toStrictEqual({ positions: [] });
  });

  it('runs the reconciliation and backup jobs now, against the engine named in the environment', async () => {
    const job = ['--config', stack.configFile, '--risk', SHIPPED_RISK_FILE, '--data', folder.path('dynamo')];
    const reconciled = await ctl(TEST_API_TOKENS.read, 'reconcile', ...job);
    expect(reconciled.status, reconciled.stderr).toBe(0);
    expect(reconciled.stdout).toMatch(/^reconcile \d{4}-\d{2}-\d{2}: OK — /);
    expect(reconciled.stdout).toContain(`(against the config: engine ${stack.api})`);
    const backedUp = await ctl(undefined, 'backup', ...job, '--json');
    expect(backedUp.status, backedUp.stderr).toBe(0);
    expect((JSON.parse(backedUp.stdout) as { report: { outcome: string } }).report.outcome).toBe('ok');
  });

  it('buys at the venue, then closes the position there', async () => {
    const bought = await ctl(
      TEST_API_TOKENS.operator,
      'buy',
      'AAPL',
      '3',
      '--reason',
      'ctl test buy',
      '--operator',
      'alice',
      '--json',
    );
    expect(bought.status, bought.stderr).toBe(0);
    const { order } = JSON.parse(bought.stdout) as ManualOrderAnswer;
    // The engine may send a market order on as a marketable limit; the type is its to choose.
    expect([order.symbol, order.side, order.qty, order.origin]).toStrictEqual([
      'AAPL',
      'buy',
      '3',
      'operator',
    ]);
    const atVenue = await stack.venue.orders('AAPL');
    expect(atVenue.map((sent) => sent.clientOrderId)).toContain(order.clientOrderId);
    await stack.venue.until(
      'AAPL bought at the venue',
      () => stack.venue.positions(),
      (held) => held.AAPL === '3',
    );
    await stack.venue.until(
      'the engine holding AAPL',
      async () =>
        (JSON.parse((await ctl(TEST_API_TOKENS.read, 'positions', '--json')).stdout) as PositionsAnswer)
          .positions,
      (positions) => positions.some((position) => position.symbol === 'AAPL' && position.qty === '3'),
    );

    const closed = await ctl(
      TEST_API_TOKENS.operator,
      'close',
      'AAPL',
      '--reason',
      'ctl test close',
      '--operator',
      'alice',
    );
    expect(closed.status, closed.stderr).toBe(0);
    expect(closed.stdout).toBe('closing AAPL (position 3); ctl positions shows it finish\n');
    await stack.venue.until(
      'AAPL flat at the venue',
      () => stack.venue.positions(),
      (held) => held.AAPL === undefined,
    );
  });

  it('refuses a close of a symbol it does not hold as the engine refused it (exit 1)', async () => {
    const result = await ctl(
      TEST_API_TOKENS.operator,
      'close',
      'MSFT',
      '--reason',
      'nothing there',
      '--operator',
      'alice',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^ctl: engine API DELETE \/positions\/MSFT answered HTTP 404: no_position: /,
    );
  });

  it('refuses a kill switch without a reason before sending anything (exit 2)', async () => {
    const result = await ctl(TEST_API_TOKENS.operator, 'kill', '--yes');
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('ctl: kill needs --reason TEXT: say why, for the audit log');
  });

  it('refuses a kill switch with a read token (exit 3), without printing the token', async () => {
    const result = await ctl(
      TEST_API_TOKENS.read,
      'kill',
      '--yes',
      '--reason',
      'drill',
      '--operator',
      'alice',
    );
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/answered HTTP 403: forbidden: /);
    expect(result.stderr).not.toContain(TEST_API_TOKENS.read);
    const unauthenticated = await ctl(undefined, 'positions');
    expect(unauthenticated.status).toBe(3);
  });

  it('checks a config file: 0 when valid, 1 naming each problem', async () => {
    const valid = await ctl(undefined, 'validate-config', 'config/system.json');
    expect(valid.status, valid.stderr).toBe(0);
    const broken = folder.write('broken.json', JSON.stringify({ environment: 'development' }));
    const result = await ctl(undefined, 'validate-config', broken, 'config/risk_limits.toml');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${broken}: account: required key is missing`);
  });

  it('says the engine is unreachable once it has stopped (exit 4)', async () => {
    stack.engine.child.kill('SIGTERM');
    await stack.engine.exited;
    const result = await ctl(TEST_API_TOKENS.read, 'status');
    expect(result.status).toBe(4);
    expect(result.stderr).toMatch(
      /^ctl: engine API GET \/(status|ready) at .* did not answer \(ECONNREFUSED\)\n$/,
    );
  });
});
