/**
 * `npm run simtest` as a real process: a passing pair of seeds, a broken variant caught (exit 1,
 * the replay command and the event log written), and bad flags (exit 2).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'simtest-bin-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/simtest.ts', '--out', out, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Command: npm run simtest (bin/simtest.ts)', () => {
  it('runs seeds and sums them up, exit 0', async () => {
    const { code, stdout } = await run(['--seeds', '2', '--from', '3', '--jobs', '1']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 of 2 seeds passed \(seeds 3–4\), 0 failed; \d+ orders, \d+ fills/);
  });

  it('prints a failing seed with its replay command and writes its event log, exit 1', async () => {
    // Seed 2 catches this variant (test/simtest/broken-variants.test.ts).
    const { code, stdout } = await run([
      '--seeds',
      '1',
      '--from',
      '2',
      '--jobs',
      '1',
      '--variant',
      'retry-skips-lookup',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('seed 2 failed:');
    expect(stdout).toContain('one_order_per_intent');
    expect(stdout).toContain('replay: npm run simtest -- --seeds 1 --from 2 --variant retry-skips-lookup');
    const log = readFileSync(join(out, 'seed-2-retry-skips-lookup.jsonl'), 'utf8').trim().split('\n');
    expect(log.length).toBeGreaterThan(10);
    for (const line of log) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('answers bad flags with every problem and the usage, exit 2', async () => {
    const { code, stdout, stderr } = await run(['--seeds', 'many', '--jobs', '0']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: --seeds must be a whole number from 1 to 4294967295, got "many"');
    expect(stderr).toContain('error: --jobs must be a whole number from 1 to 256, got "0"');
    expect(stderr).toContain('usage: npm run simtest --');
  });

  it('names an unknown flag, exit 2', async () => {
    const { code, stderr } = await run(['--sedes', '3']);
    expect(code).toBe(2);
    expect(stderr).toContain("'--sedes'");
  });
});
