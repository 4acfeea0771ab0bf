/**
 * .github/workflows/ci.yml read as GitHub reads it (YAML 1.2, where `on` is a key, not `true`)
 * and held to what it promises: the checks, the artifact, deploys through OIDC only, production
 * behind its environment, pinned actions, and commands that exist in this repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ENVIRONMENTS } from '../../shared/config/system-schema.ts';

const ROOT = join(import.meta.dirname, '../..');
const WORKFLOW_FILE = join(ROOT, '.github/workflows/ci.yml');
const CONFIGURE_AWS = 'aws-actions/configure-aws-credentials';
const UPLOAD_ARTIFACT = 'actions/upload-artifact';

const stepSchema = z.looseObject({
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  env: z.record(z.string(), z.string()).optional(),
});
const jobSchema = z.looseObject({
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  if: z.string().optional(),
  environment: z.union([z.string(), z.object({ name: z.string() })]).optional(),
  permissions: z.record(z.string(), z.string()).optional(),
  concurrency: z.object({ group: z.string(), 'cancel-in-progress': z.boolean() }).optional(),
  strategy: z.looseObject({ matrix: z.record(z.string(), z.unknown()) }).optional(),
  env: z.record(z.string(), z.string()).optional(),
  steps: z.array(stepSchema),
});
const workflowSchema = z.looseObject({
  on: z.record(z.string(), z.unknown()),
  permissions: z.record(z.string(), z.string()),
  defaults: z.object({ run: z.object({ shell: z.string() }) }),
  jobs: z.record(z.string(), jobSchema),
});
type Job = z.infer<typeof jobSchema>;
type Step = z.infer<typeof stepSchema>;

const text = readFileSync(WORKFLOW_FILE, 'utf8');
const workflow = workflowSchema.parse(parse(text));
const jobs = workflow.jobs;
const packageJson = z
  .object({ scripts: z.record(z.string(), z.string()), devDependencies: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));

function job(name: string): Job {
  const found = jobs[name];
  if (found === undefined) throw new Error(`the workflow has no job ${name}`);
  return found;
}

/** A GitHub Actions expression as the workflow writes it: `${{ … }}`. */
const expression = (inner: string): string => `\${{ ${inner} }}`;
const needsOf = (j: Job): string[] => (j.needs === undefined ? [] : [j.needs].flat());
const environmentOf = (j: Job): string | undefined =>
  typeof j.environment === 'string' ? j.environment : j.environment?.name;
const runs = (j: Job): string[] => j.steps.flatMap((step) => (step.run === undefined ? [] : [step.run]));
const action = (step: Step): string | undefined => step.uses?.split('@')[0];
const indexOf = (j: Job, found: (step: Step) => boolean): number => {
  const index = j.steps.findIndex(found);
  expect(index, 'step not found').toBeGreaterThanOrEqual(0);
  return index;
};

/** Each command of every run script, split at line ends, &&, || , ; and pipes. */
function commands(script: string): string[] {
  return script
    .split(/\n|&&|\|\||;|\|/)
    .map((command) => command.trim())
    .filter((command) => command !== '');
}

const DEPLOYS = [
  { job: 'deploy-staging', environment: 'staging', needs: ['test', 'audit', 'synth'] },
  { job: 'deploy-production', environment: 'production', needs: ['deploy-staging'] },
];

describe('Workflow: .github/workflows/ci.yml', () => {
  it('runs on pull requests and on pushes to main', () => {
    expect(workflow.on).toStrictEqual({ pull_request: null, push: { branches: ['main'] } });
  });

  it('gives every job read-only contents, and an OIDC token to the deploy jobs alone', () => {
    expect(workflow.permissions).toStrictEqual({ contents: 'read' });
    for (const [name, j] of Object.entries(jobs)) {
      const deploys = name.startsWith('deploy-');
      expect(j.permissions, name).toStrictEqual(
        deploys ? { contents: 'read', 'id-token': 'write' } : undefined,
      );
    }
  });

  it('runs scripts with bash, which GitHub then starts with -o pipefail', () => {
    // Without the explicit shell, `stack-outputs.ts | tee` would pass when the check failed.
    expect(workflow.defaults.run.shell).toBe('bash');
  });

  it('has exactly the check, artifact and deploy jobs', () => {
    expect(Object.keys(jobs).sort()).toStrictEqual(
      ['audit', 'bench', 'deploy-production', 'deploy-staging', 'synth', 'test'].sort(),
    );
  });

  it('tests with the CI entry point, bash .ci/run', () => {
    expect(runs(job('test'))).toContain('bash .ci/run');
  });

  it('audits the installed dependencies and fails on high or critical advisories', () => {
    const audit = job('audit');
    const install = indexOf(audit, (step) => step.run?.startsWith('npm ci') === true);
    const check = indexOf(audit, (step) => step.run === 'npm audit --audit-level=high');
    expect(check).toBeGreaterThan(install);
  });

  it('synthesizes every environment with cdk-nag, without AWS credentials', () => {
    const synth = job('synth');
    expect(synth.strategy?.matrix.environment).toStrictEqual([...ENVIRONMENTS]);
    expect(runs(synth)).toContain(`npm run synth -- -c environment=${expression('matrix.environment')}`);
    expect(synth.steps.map(action)).not.toContain(CONFIGURE_AWS);
    expect(synth.permissions).toBeUndefined();
    const environmentNames = [synth.env, ...synth.steps.map((step) => step.env)].flatMap((env) =>
      Object.keys(env ?? {}),
    );
    expect(environmentNames.filter((name) => name.startsWith('AWS_'))).toStrictEqual([]);
  });

  it('keeps the benchmark results as an artifact, failing when the file is missing', () => {
    const bench = job('bench');
    const benchRun = runs(bench).find((run) => run.includes('npm run --silent bench'));
    const written = benchRun?.match(/> (\S+)$/)?.[1];
    expect(written).toBeDefined();
    const upload = bench.steps.find((step) => action(step) === UPLOAD_ARTIFACT);
    expect(upload?.with).toMatchObject({ path: written, 'if-no-files-found': 'error' });
    expect(indexOf(bench, (step) => step === upload)).toBeGreaterThan(
      indexOf(bench, (step) => step.run === benchRun),
    );
  });

  describe.each(DEPLOYS)('$job', ({ job: name, environment, needs }) => {
    const deploy = job(name);

    it(`runs only on a push to main, after ${needs.join(', ')}`, () => {
      expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
      expect(needsOf(deploy)).toStrictEqual(needs);
    });

    it(`runs in the ${environment} environment, one deploy at a time, never cancelled`, () => {
      expect(environmentOf(deploy)).toBe(environment);
      expect(deploy.concurrency).toStrictEqual({
        group: `deploy-${environment}`,
        'cancel-in-progress': false,
      });
    });

    it("assumes the environment's role through OIDC, with no access keys", () => {
      const credentials = deploy.steps.filter((step) => action(step) === CONFIGURE_AWS);
      expect(credentials).toHaveLength(1);
      expect(credentials[0]?.with).toStrictEqual({
        'role-to-assume': expression('vars.AWS_DEPLOY_ROLE_ARN'),
        'aws-region': expression('vars.AWS_REGION'),
        'role-session-name': `deploy-${environment}-${expression('github.run_id')}-${expression('github.run_attempt')}`,
      });
    });

    it(`deploys every stack of ${environment}, and only then reads their outputs`, () => {
      const credentials = indexOf(deploy, (step) => action(step) === CONFIGURE_AWS);
      const install = indexOf(deploy, (step) => step.run?.startsWith('npm ci') === true);
      const cdkDeploy = indexOf(deploy, (step) => step.run?.startsWith('npx cdk deploy') === true);
      const outputs = indexOf(
        deploy,
        (step) => step.run?.startsWith('node scripts/stack-outputs.ts') === true,
      );
      expect(deploy.steps[cdkDeploy]?.run).toBe(
        `npx cdk deploy -c environment=${environment} --all --require-approval never --outputs-file cdk-outputs.json`,
      );
      expect(deploy.steps[outputs]?.run).toMatch(
        new RegExp(`^node scripts/stack-outputs.ts ${environment} cdk-outputs.json`),
      );
      expect(cdkDeploy).toBeGreaterThan(Math.max(credentials, install));
      expect(outputs).toBeGreaterThan(cdkDeploy);
    });
  });

  it('pins every action to a full commit SHA with its release as a comment, the same one everywhere', () => {
    const lines = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    const pinned = new Map<string, string>();
    for (const line of lines) {
      const match = line.match(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$/);
      expect(match, line).not.toBeNull();
      const [, name, sha] = match!;
      expect(pinned.get(name!) ?? sha, `${name} pinned to two commits`).toBe(sha);
      pinned.set(name!, sha!);
    }
    const parsedUses = Object.values(jobs).flatMap((j) => j.steps.flatMap((step) => step.uses ?? []));
    expect(lines).toHaveLength(parsedUses.length);
  });

  it('holds no credential: no access-key inputs, no secrets, nothing shaped like a key', () => {
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|aws-session-token/i);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    // The deploys need none: OIDC replaces the keys and GITHUB_TOKEN is not used.
    expect(text).not.toMatch(/secrets\./);
    const values = Object.values(jobs).flatMap((j) => [
      ...Object.values(j.env ?? {}),
      ...j.steps.flatMap((step) => [...Object.values(step.env ?? {}), ...Object.values(step.with ?? {})]),
    ]);
    for (const value of values.map(String)) {
      expect(value).not.toMatch(/\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN|\bgh[pousr]_\w{20,}|github_pat_/);
      expect(value).not.toMatch(/^[A-Za-z0-9/+]{40}$/);
    }
  });

  it('runs only scripts, npm scripts and binaries that this repository has', () => {
    const all = Object.values(jobs).flatMap((j) => runs(j).flatMap(commands));
    const referenced = {
      files: new Set<string>(),
      npmScripts: new Set<string>(),
      binaries: new Set<string>(),
    };
    for (const command of all) {
      const file = command.match(/^(?:bash|node) (\S+)/)?.[1];
      if (file !== undefined) referenced.files.add(file);
      const script = command.match(/^npm run (?:--silent )?([\w:-]+)/)?.[1];
      if (script !== undefined) referenced.npmScripts.add(script);
      const binary = command.match(/^npx (\S+)/)?.[1];
      if (binary !== undefined) referenced.binaries.add(binary);
    }

    expect([...referenced.files].sort()).toStrictEqual(['.ci/run', 'scripts/stack-outputs.ts']);
    for (const file of referenced.files) expect(existsSync(join(ROOT, file)), file).toBe(true);
    expect([...referenced.npmScripts].sort()).toStrictEqual(['bench', 'synth']);
    for (const script of referenced.npmScripts) expect(packageJson.scripts[script], script).toBeDefined();
    // npx runs the CLI the lock file installs, never one fetched on the spot.
    expect([...referenced.binaries]).toStrictEqual(['cdk']);
    expect(packageJson.devDependencies['aws-cdk']).toMatch(/^\d+\.\d+\.\d+$/);
    const cli = JSON.parse(readFileSync(join(ROOT, 'node_modules/aws-cdk/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(Object.keys(cli.bin)).toContain('cdk');
  });
});
