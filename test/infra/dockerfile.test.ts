/**
 * The engine image's Dockerfile against its contract, without Docker: pinned bases, a runtime
 * stage that holds only runtime dependencies and runs as a non-root user, the commands the ECS
 * task definition repeats, no secret baked in, and a final stage that carries every file the
 * engine loads. The build context is judged with CDK's own .dockerignore matcher, the one
 * DockerImageAsset stages the context with; the engine's import graph is esbuild's.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix, relative, resolve } from 'node:path';
import { DockerIgnoreStrategy } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { findSecretValues } from '../../shared/config/secret-scan.ts';
import {
  durationMs,
  instructionsOf,
  parseArg,
  parseCommand,
  parseCopy,
  parseEnv,
  parseHealthcheck,
  readStages,
  type Stage,
} from '../support/dockerfile.ts';

const ROOT = join(import.meta.dirname, '../..');
const ENTRY_POINTS = ['engine/main.ts', 'engine/healthcheck.ts'];
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL/i;

const stages = readStages();
const final = stages.at(-1)!;
const dockerignore = new DockerIgnoreStrategy(
  ROOT,
  readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean),
);
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

function lastArgs(stage: Stage, keyword: string): string | undefined {
  return instructionsOf(stage, keyword).at(-1)?.args;
}

/**
 * Where each context path lands in the final image, COPY by COPY, with the WORKDIR in force at
 * each (a directory's contents go under the destination, as Docker copies them).
 */
function finalStageCopies(): { source: string; target: string; directory: boolean }[] {
  const copies: { source: string; target: string; directory: boolean }[] = [];
  let workdir = '/';
  for (const instruction of final.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = posix.resolve(workdir, instruction.args);
    if (instruction.keyword !== 'COPY') continue;
    const copy = parseCopy(instruction.args);
    if (copy.flags.from !== undefined) continue;
    const destination = posix.resolve(workdir, copy.destination);
    for (const source of copy.sources) {
      const directory = statSync(join(ROOT, source)).isDirectory();
      const intoFolder = directory || copy.destination.endsWith('/') || copy.sources.length > 1;
      copies.push({
        source: posix.normalize(source),
        target: intoFolder && !directory ? posix.join(destination, posix.basename(source)) : destination,
        directory,
      });
    }
  }
  return copies;
}

type Copies = ReturnType<typeof finalStageCopies>;

function imagePath(file: string, copies: Copies): string | undefined {
  for (const copy of copies) {
    if (copy.directory && file.startsWith(`${copy.source}/`)) {
      return posix.join(copy.target, posix.relative(copy.source, file));
    }
    if (!copy.directory && file === copy.source) return copy.target;
  }
  return undefined;
}

/** The engine's and the health check's modules (type-only imports erased, as Node erases them). */
async function importGraph(): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    entryPoints: ENTRY_POINTS,
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outdir: 'out',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = Object.entries(result.metafile.inputs);
  const packages = new Set<string>();
  for (const [, input] of inputs) {
    for (const imported of input.imports) {
      if (imported.external && !isBuiltin(imported.path)) {
        const parts = imported.path.split('/');
        packages.add(imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  }
  return { files: inputs.map(([file]) => file), packages: [...packages].sort() };
}

/** The files the engine reads besides its modules: the shipped configs and the models they name. */
function runtimeDataFiles(): string[] {
  const files = readdirSync(join(ROOT, 'config')).map((name) => `config/${name}`);
  for (const file of files.filter((name) => /^config\/system.*\.json$/.test(name))) {
    const system = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as {
      strategies: { manifest?: string }[];
    };
    for (const { manifest } of system.strategies) {
      if (manifest === undefined) continue;
      const manifestFile = relative(ROOT, resolve(ROOT, 'config', manifest));
      const model = (JSON.parse(readFileSync(join(ROOT, manifestFile), 'utf8')) as { file: string }).file;
      files.push(manifestFile, posix.join(posix.dirname(manifestFile), model));
    }
  }
  return files;
}

describe('Dockerfile: the engine image', () => {
  let graph: Awaited<ReturnType<typeof importGraph>>;
  beforeAll(async () => {
    graph = await importGraph();
  });

  it('has a build stage and a runtime stage, every base an exact release of .nvmrc’s Node', () => {
    const nodeMajor = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const earlier = new Set<string>();
    for (const stage of stages) {
      if (!earlier.has(stage.image)) {
        expect(stage.image).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/);
        expect(stage.image.split(/[:.]/)[1]).toBe(nodeMajor);
      }
      if (stage.name !== undefined) earlier.add(stage.name);
    }
  });

  it('runs the Node release the project installs from the registry for npm start and npm test', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      optionalDependencies: Record<string, string>;
    };
    const releases = new Set(Object.values(pkg.optionalDependencies));
    expect(releases.size).toBe(1);
    for (const stage of stages.filter((s) => s.image.startsWith('node:'))) {
      expect(stage.image.split(':')[1]!.split('-')[0]).toBe([...releases][0]);
    }
  });

  it('installs runtime dependencies only, in the build stage, and copies them to the runtime stage', () => {
    const builder = stages.find((stage) =>
      instructionsOf(stage, 'RUN').some(({ args }) => /\bnpm ci\b.*--omit=dev/.test(args)),
    );
    expect(builder).toBeDefined();
    expect(builder).not.toBe(final);
    expect(instructionsOf(final, 'RUN')).toStrictEqual([]);
    const modules = instructionsOf(final, 'COPY')
      .map(({ args }) => parseCopy(args))
      .filter(({ flags }) => flags.from === builder!.name);
    expect(modules).toStrictEqual([
      { flags: { from: builder!.name }, sources: ['/app/node_modules'], destination: './node_modules' },
    ]);
  });

  it('runs in /app in production mode as a user that is not root, serving port 8080', () => {
    expect(lastArgs(final, 'WORKDIR')).toBe('/app');
    expect(
      Object.assign({}, ...instructionsOf(final, 'ENV').map(({ args }) => parseEnv(args))),
    ).toStrictEqual({ NODE_ENV: 'production' });
    // The base image's unprivileged user (uid 1000), which the ECS task definition need not name.
    expect(lastArgs(final, 'USER')).toBe('node');
    const production = JSON.parse(readFileSync(join(ROOT, 'config/system.production.json'), 'utf8'));
    expect(instructionsOf(final, 'EXPOSE').map(({ args }) => args)).toStrictEqual([
      String(production.engine.http.port),
    ]);
    expect(lastArgs(final, 'STOPSIGNAL')).toBe('SIGTERM');
  });

  it('starts the engine with CMD ["node", "engine/main.ts"] and no entrypoint to prefix it', () => {
    expect(parseCommand(lastArgs(final, 'CMD')!)).toStrictEqual({
      form: 'exec',
      argv: ['node', 'engine/main.ts'],
    });
    expect(instructionsOf(final, 'ENTRYPOINT')).toStrictEqual([]);
  });

  it('checks health in exec form with node engine/healthcheck.ts, on timings ECS accepts too', () => {
    const healthchecks = instructionsOf(final, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    const { flags, command } = parseHealthcheck(healthchecks[0]!.args);
    expect(command).toStrictEqual({ form: 'exec', argv: ['node', 'engine/healthcheck.ts'] });
    expect(Object.keys(flags).sort()).toStrictEqual(['interval', 'retries', 'start-period', 'timeout']);
    const seconds = (text: string) => durationMs(text) / 1_000;
    // The task definition repeats these; ECS's own bounds for each.
    expect(seconds(flags.interval!)).toBeGreaterThanOrEqual(5);
    expect(seconds(flags.interval!)).toBeLessThanOrEqual(300);
    expect(seconds(flags.timeout!)).toBeGreaterThanOrEqual(2);
    expect(seconds(flags.timeout!)).toBeLessThan(seconds(flags.interval!));
    expect(seconds(flags['start-period']!)).toBeLessThanOrEqual(300);
    expect(Number(flags.retries)).toBeGreaterThanOrEqual(1);
    expect(Number(flags.retries)).toBeLessThanOrEqual(10);
  });

  it('bakes no secret into ENV or ARG, by name or by value', () => {
    const variables: Record<string, string> = {};
    for (const stage of stages) {
      for (const { keyword, args } of stage.instructions) {
        if (keyword === 'ENV') Object.assign(variables, parseEnv(args));
        if (keyword === 'ARG') {
          const { name, value } = parseArg(args);
          variables[name] = value ?? '';
        }
      }
    }
    expect(Object.keys(variables).filter((name) => SECRET_NAME.test(name))).toStrictEqual([]);
    expect(findSecretValues(variables, 'Dockerfile')).toStrictEqual([]);
  });

  it('copies only sources that exist and that .dockerignore lets into the build context', () => {
    const sources = stages.flatMap((stage) =>
      instructionsOf(stage, 'COPY')
        .map(({ args }) => parseCopy(args))
        .filter(({ flags }) => flags.from === undefined)
        .flatMap(({ sources }) => sources),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(statSync(join(ROOT, source), { throwIfNoEntry: false }), source).toBeDefined();
      expect(dockerignore.ignores(join(ROOT, source)), source).toBe(false);
    }
  });

  it('leaves dependencies, history, local state, tests and tooling out of the build context', () => {
    const excluded = [
      'node_modules/zod/package.json',
      '.git/HEAD',
      '.data/dynamo/CURRENT',
      '.cache/deployment-x/system.json',
      'cdk.out/manifest.json',
      'coverage/index.html',
      'test/support/dockerfile.ts',
      'bench/run.ts',
      'infra/app.ts',
      'sim/main.ts',
      'backtest/run-backtest.ts',
      'functions/watchdog/handler.ts',
      'local/local-dynamo.ts',
      'docs/operations.md',
      'engine/debug.log',
      '.env',
    ];
    expect(excluded.filter((path) => !dockerignore.ignores(join(ROOT, path)))).toStrictEqual([]);
  });

  it('copies every module the engine and the health check import, where their imports expect it', () => {
    const { files } = graph;
    expect(files).toEqual(expect.arrayContaining(ENTRY_POINTS));
    const needed = [...files, ...runtimeDataFiles(), 'package.json'];
    const copies = finalStageCopies();
    const misplaced = needed.filter(
      (file) =>
        imagePath(file, copies) !== posix.join('/app', file) || dockerignore.ignores(join(ROOT, file)),
    );
    expect(misplaced).toStrictEqual([]);
  });

  it('has every package the engine imports among the runtime dependencies the build installs', () => {
    const { packages } = graph;
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((name) => packageJson.dependencies[name] === undefined)).toStrictEqual([]);
  });
});
