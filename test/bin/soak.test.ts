/**
 * `npm run soak` as a real process, short: the whole stack under 2,000 messages/s for 30 s with
 * trading on. The figures' timing (event-loop delay, memory growth) depend on the machine and are
 * not asserted here; what must hold anywhere is asserted: nothing lost, the engine's orders and
 * positions the simulator's, every figure present.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
let soak: ChildProcess | undefined;

afterAll(() => {
  // The soak and the stack under it: the soak's group, and each child leads its own.
  if (soak?.pid !== undefined && soak.exitCode === null) process.kill(-soak.pid, 'SIGINT');
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    soak = spawn(process.execPath, ['bin/soak.ts', ...args], { cwd: ROOT, detached: true });
    let stdout = '';
    let stderr = '';
    soak.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    soak.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    soak.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Command: npm run soak (bin/soak.ts)', () => {
  it('answers a bad flag with every problem, the usage and exit code 2', async () => {
    const { code, stdout, stderr } = await run(['--minutes', 'ten', '--symbols', '99']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: --rate is required');
    expect(stderr).toContain('error: --minutes must be a number above 0 to 1440, got "ten"');
    expect(stderr).toContain('error: --symbols must be a whole number from 1 to 20, got "99"');
    expect(stderr).toContain('usage: npm run soak -- --minutes M --rate R');
  });

  it('runs the stack under load and reports no loss, consistent orders and every figure', async () => {
    // Act
    const { code, stdout, stderr } = await run(['--minutes', '0.5', '--rate', '2000', '--json']);
    // Assess: 0 or 1 (a timing threshold on a busy machine); 2 or a crash is a failure.
    expect([0, 1], stderr).toContain(code);
    const { run: info, figures } = JSON.parse(stdout);
    // The soak keeps its log and report for a person to read; a test run need not.
    rmSync(dirname(info.logFile), { recursive: true, force: true });
    expect(info.command).toBe('npm run soak -- --minutes 0.5 --rate 2000 --json');
    expect(info.symbols).toStrictEqual(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA']);
    expect(figures.durationSeconds).toBeGreaterThanOrEqual(29);
    expect(figures.samples).toBeGreaterThanOrEqual(20);
    expect(figures.messages.sent).toBeGreaterThan(0);
    expect(figures.messages.received).toBe(figures.messages.sent);
    expect([figures.messages.lost, figures.messages.rejected, figures.messages.reconnects]).toStrictEqual([
      0, 0, 0,
    ]);
    expect(figures.consistency.differences).toStrictEqual([]);
    for (const figure of [
      figures.lag.p99Ms,
      figures.heap.growthPct,
      figures.rss.growthPct,
      figures.rate.sentPerSecond,
    ])
      expect(Number.isFinite(figure)).toBe(true);
    expect(figures.checks.map((check: { name: string }) => check.name)).toStrictEqual([
      'heap growth after warm-up',
      'RSS growth after warm-up',
      'messages lost',
      'event-loop delay p99',
      'orders and positions as the simulator has them',
      'trading on',
    ]);
    const byName = Object.fromEntries(
      figures.checks.map((check: { name: string; ok: boolean }) => [check.name, check.ok]),
    );
    expect([byName['messages lost'], byName['orders and positions as the simulator has them']]).toStrictEqual(
      [true, true],
    );
    expect(figures.pass).toBe(code === 0);
  }, 240_000);
});
