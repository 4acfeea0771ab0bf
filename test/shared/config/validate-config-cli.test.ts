import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../../support/temp-files.ts';

const ROOT = join(import.meta.dirname, '../../..');
const folder = tempFolder();
afterAll(() => folder.remove());

function run(...args: string[]) {
  return spawnSync(process.execPath, ['bin/validate-config.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
}

describe('Command: validate-config', () => {
  it('passes the shipped production config', () => {
    const result = run('config/system.production.json', 'config/risk_limits.toml');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('are valid');
  });

  it('exits non-zero listing every error with file, key path and rule', () => {
    const bad = folder.write(
      'bad.json',
      JSON.stringify({ environment: 'production', account: { name: 'x', paper: false } }),
    );
    const risk = folder.write('bad.toml', '[limits]\nmax_open_positions = 0\n');
    const result = run(bad, risk);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^\d+ problems:/);
    expect(result.stderr).toContain(`${bad}: account.name:`);
    expect(result.stderr).toContain(`${bad}: account.liveTradingAcknowledgement:`);
    expect(result.stderr).toContain(`${bad}: broker: required key is missing`);
    expect(result.stderr).toContain(`${risk}: limits.max_open_positions:`);
    expect(result.stderr).toContain(`${risk}: loss: required key is missing`);
  });

  it('rejects a missing file argument with usage and exit 2', () => {
    const result = run();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  });
});
