/** scripts/stack-outputs.ts, the deploy jobs' check after cdk deploy, run as the workflow runs it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatStackOutputs, parseStackOutputs, stacksOutside } from '../../scripts/stack-outputs.ts';
import { tempFolder } from '../support/temp-files.ts';

const SCRIPT = join(import.meta.dirname, '../../scripts/stack-outputs.ts');
const folder = tempFolder();
afterAll(() => folder.remove());

function run(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
}

/** What `cdk deploy --outputs-file` writes: stacks with outputs only, each a map of name to value. */
const STAGING_OUTPUTS = {
  'Trading-staging': { ClusterName: 'trading-staging', OnCallTopicArn: 'arn:aws:sns:us-east-1:1:on-call' },
  'Trading-staging-paper1': { EngineServiceName: 'engine-paper1' },
};

describe('Script: stack-outputs', () => {
  it('prints each output of the environment as a Markdown table row and passes', () => {
    const file = folder.write('staging.json', JSON.stringify(STAGING_OUTPUTS));

    const result = run('staging', file);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        '### Stack outputs of staging',
        '',
        '| stack | output | value |',
        '|---|---|---|',
        '| Trading-staging | ClusterName | trading-staging |',
        '| Trading-staging | OnCallTopicArn | arn:aws:sns:us-east-1:1:on-call |',
        '| Trading-staging-paper1 | EngineServiceName | engine-paper1 |',
        '',
      ].join('\n'),
    );
  });

  it('says so when no stack declares outputs, which is what an empty file means', () => {
    const result = run('production', folder.write('empty.json', '{}'));

    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      '### Stack outputs of production\n\nNo stack of production declares outputs.\n',
    );
  });

  it("fails, naming them, when the deploy reported another environment's stacks", () => {
    const file = folder.write(
      'mixed.json',
      JSON.stringify({ ...STAGING_OUTPUTS, 'Trading-production': { ClusterName: 'trading-production' } }),
    );

    const result = run('staging', file);

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'the staging deploy reported stacks of another environment: Trading-production\n',
    );
  });

  it('fails on a missing or malformed outputs file, and on wrong arguments', () => {
    expect(run('staging', folder.path('absent.json')).status).toBe(1);
    expect(run('staging', folder.write('text.json', 'Outputs:')).stderr).toMatch(/^\S+text\.json: not JSON/);
    expect(run('staging', folder.write('list.json', '["Trading-staging"]')).stderr).toMatch(
      /not a map of stack names to their outputs/,
    );
    expect(run('staging').status).toBe(2);
  });
});

describe('stacksOutside', () => {
  it.each([
    ['Trading-staging', []],
    ['Trading-staging-paper1', []],
    ['Trading-production', ['Trading-production']],
    // A prefix alone is not membership: Trading-stagingX is not a stack of staging.
    ['Trading-stagingX', ['Trading-stagingX']],
    ['Trading-ci', ['Trading-ci']],
  ])('%s is outside staging: %j', (stack, outside) => {
    expect(stacksOutside({ [stack]: {} }, 'staging')).toStrictEqual(outside);
  });
});

describe('formatStackOutputs', () => {
  it('escapes what would break a table row', () => {
    const outputs = parseStackOutputs(JSON.stringify({ 'Trading-staging': { Note: 'a|b\nc' } }));

    expect(formatStackOutputs(outputs, 'staging')).toContain('| Trading-staging | Note | a\\|b c |');
  });
});
