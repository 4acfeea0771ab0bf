/**
 * `npm run synth` as DevOps and CI run it: the CDK CLI on infra/app.ts, offline, with no AWS
 * credentials in the environment, for every environment, with cdk-nag on (infra/app.ts adds it;
 * an unacknowledged finding fails the synthesis).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvironmentDeployment } from '../../infra/deployment-config.ts';
import { ENVIRONMENTS } from '../../shared/config/system-schema.ts';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe('npm run synth', () => {
  mkdirSync(join(REPOSITORY, '.cache'), { recursive: true });
  const outdir = mkdtempSync(join(REPOSITORY, '.cache', 'synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.each(ENVIRONMENTS)(
    'synthesizes %s offline with no AWS credentials',
    async (environment) => {
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')),
      );
      const output = join(outdir, environment);
      await run('npm', ['run', 'synth', '--', '-c', `environment=${environment}`, '--output', output], {
        cwd: REPOSITORY,
        env: { ...env, AWS_EC2_METADATA_DISABLED: 'true' },
        maxBuffer: 64 * 1024 * 1024,
      });
      const accounts = loadEnvironmentDeployment(environment).accounts.map((account) => account.name);
      const stacks = readdirSync(output)
        .filter((file) => file.endsWith('.template.json'))
        .map((file) => file.replace(/\.template\.json$/, ''))
        .sort();
      expect(stacks).toStrictEqual(
        [`Trading-${environment}`, ...accounts.map((account) => `Trading-${environment}-${account}`)].sort(),
      );
      const manifest = JSON.parse(readFileSync(join(output, 'manifest.json'), 'utf8')) as {
        artifacts: Record<string, { type: string; environment?: string }>;
      };
      // No account is resolved at synth time (none was looked up): the deploy's credentials decide.
      for (const name of stacks)
        expect(manifest.artifacts[name]?.environment).toBe('aws://unknown-account/us-east-1');
    },
    300_000,
  );
});
