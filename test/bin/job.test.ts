/**
 * `npm run job` as an operator runs it (node bin/job.ts, a child process) against the environment
 * a config names: a running engine process, the simulator and the local DynamoDB server. Each job
 * runs now, stores its report, prints a table or JSON, and exits 0 (ok or skipped), 3 (problems),
 * 1 (failed) or 2 (bad flags).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFixed, ZERO } from '../../shared/domain/fixed.ts';
import type { OpsReport } from '../../shared/ops/ops-report.ts';
import type { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { newYorkDate } from '../../shared/time/new-york-time.ts';
import { TEST_API_TOKENS } from '../support/api-tokens.ts';
import {
  type EngineOnSimulator,
  SHIPPED_RISK_FILE,
  startEngineOnSimulator,
} from '../support/engine-on-simulator.ts';
import { ROOT } from '../support/engine-process.ts';
import { tempFolder } from '../support/temp-files.ts';
import type { VenueAdmin } from '../support/venue-admin.ts';

const TABLE_PREFIX = 'job-cli';
const ACCOUNT = 'job-cli-acct';

describe('Command: npm run job (bin/job.ts)', () => {
  const folder = tempFolder();
  let stack: EngineOnSimulator;
  let venue: VenueAdmin;
  let store: DynamoStore;

  beforeAll(async () => {
    stack = await startEngineOnSimulator({ folder, tablePrefix: TABLE_PREFIX, account: ACCOUNT, seed: 9 });
    ({ venue, store } = stack);
    await venue.broker.submitOrder({
      symbol: 'AAPL',
      qty: parseFixed('4'),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId: `job-cli-${Date.now()}`,
    });
    await venue.until(
      'AAPL position',
      () => venue.positions(),
      (held) => held.AAPL === '4',
    );
  });

  afterAll(async () => {
    await stack?.close();
    folder.remove();
  });

  /** Asynchronously: the simulator and the store it talks to live in this test's process. */
  function job(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const argv = [
      'bin/job.ts',
      ...args,
      '--config',
      stack.configFile,
      '--risk',
      SHIPPED_RISK_FILE,
      '--data',
      folder.path('dynamo'),
    ];
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [...argv, '--engine-url', stack.api],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, TRADING_READ_TOKEN: TEST_API_TOKENS.read },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({ status: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
    });
  }

  async function json(
    ...args: string[]
  ): Promise<{ status: number | null; report: OpsReport; metrics: Record<string, number> }> {
    const result = await job(...args, '--json');
    expect(result.stderr).toBe('');
    const parsed = JSON.parse(result.stdout) as { report: OpsReport; metrics: Record<string, number> };
    return { status: result.status, ...parsed };
  }

  it('reconciles now and prints the outcome as a table', async () => {
    // The engine books the venue's fill from the stream and writes its position behind.
    await venue.until(
      'stored AAPL position',
      async () => (await store.listPositions()).items.find((item) => item.symbol === 'AAPL')?.qty,
      (qty) => qty === parseFixed('4'),
    );
    const result = await job('reconcile');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^reconcile \d{4}-\d{2}-\d{2}: OK — engine store and api agree with the broker/,
    );
    expect(result.stdout).toContain(`(against the config: engine ${stack.api})`);
  });

  it('runs the pre-market check and stores its report', async () => {
    const { status, report, metrics } = await json('premarket');
    expect(status).toBe(0);
    expect(report.outcome).toBe('ok');
    expect(report.table.rows.map((row) => row[0])).toContain('lease');
    expect(metrics.PremarketFailed).toBe(0);
    const stored = await store.listOpsReports('premarket', report.newYorkDate);
    expect(stored.items.map((item) => item.runId)).toContain(report.runId);
  });

  it('writes the post-market report of the day so far to the local reports folder', async () => {
    const { status, report } = await json('report');
    expect(status, report.summary).toBe(0);
    expect(report.outcome).toBe('ok');
    const date = newYorkDate(Date.now());
    const markdown = folder.path(`reports/reports/${date}/post-market-${date}.md`);
    expect(existsSync(markdown), markdown).toBe(true);
    expect(readFileSync(markdown, 'utf8')).toContain('AAPL');
    // The day's fills the engine booked and stored (the venue may split the order), and the venue's position.
    const aapl = report.table.rows.find((row) => row[0] === 'AAPL');
    expect(Number(aapl?.[1])).toBeGreaterThanOrEqual(1);
    expect(aapl?.slice(2, 4)).toEqual(['4', '0']);
    expect(aapl?.[5]).toBe((await venue.positions()).AAPL);
  });

  it('backs up the tables and the config beside the data folder', async () => {
    const { status, report } = await json('backup');
    expect(status, report.summary).toBe(0);
    expect(readdirSync(folder.path('backups/tables'))).toEqual([
      expect.stringMatching(new RegExp(`^${TABLE_PREFIX}-.*\\.ndjson\\.gz$`)),
    ]);
    expect(readdirSync(folder.path('backups/config'))).toHaveLength(1);
  });

  it('exits 3 when reconciliation finds a difference, without trading', async () => {
    const aapl = (await store.listPositions()).items.find((item) => item.symbol === 'AAPL')!;
    await store.putPosition({ ...aapl, qty: ZERO, asOfMs: Date.now() });
    const ordersBefore = (await venue.orders()).length;
    const result = await job('reconcile');
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('missing_position  AAPL');
    expect((await venue.orders()).length).toBe(ordersBefore);
  });

  it('refuses bad flags with the usage (exit 2) and says when no stack is there to run against (exit 1)', () => {
    const unknown = spawnSync(process.execPath, ['bin/job.ts', 'rebalance'], { cwd: ROOT, encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown job "rebalance"');
    expect(unknown.stderr).toContain('usage: npm run job -- premarket|report|reconcile|backup');
    const none = spawnSync(
      process.execPath,
      ['bin/job.ts', 'reconcile', '--data', folder.path('nowhere/dynamo')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no local stack is running');
  });
});
