/**
 * A config folder of deployments for infrastructure tests: the shipped config/deployment.json and
 * system files, with edits, written under the repository's .cache (the bundles and the image take
 * only files inside the repository) and removed by `remove`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const SHIPPED = join(REPOSITORY, 'config');

export type Json = Record<string, unknown>;

export interface DeploymentFixture {
  readonly directory: string;
  /** The deployment file. */
  readonly file: string;
  /** A shipped system file, as JSON. */
  shipped(name: string): Json;
  /** Writes a system file (and returns its name). */
  writeSystem(name: string, system: Json): string;
  /** Writes the deployment file. */
  writeDeployment(deployment: Json): void;
  remove(): void;
}

export function shippedDeployment(): Json {
  return JSON.parse(readFileSync(join(SHIPPED, 'deployment.json'), 'utf8')) as Json;
}

export function deploymentFixture(): DeploymentFixture {
  const cache = join(REPOSITORY, '.cache');
  mkdirSync(cache, { recursive: true });
  const directory = mkdtempSync(join(cache, 'deployment-'));
  for (const file of ['risk_limits.toml', 'fees.toml'])
    copyFileSync(join(SHIPPED, file), join(directory, file));
  const file = join(directory, 'deployment.json');
  return {
    directory,
    file,
    shipped: (name) => JSON.parse(readFileSync(join(SHIPPED, name), 'utf8')) as Json,
    writeSystem: (name, system) => {
      writeFileSync(join(directory, name), JSON.stringify(system, null, 2));
      return name;
    },
    writeDeployment: (deployment) => writeFileSync(file, JSON.stringify(deployment, null, 2)),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** Staging with the shipped staging account and a second one (`staging-b`, its own tables). */
export function twoAccountStaging(fixture: DeploymentFixture): void {
  const first = fixture.shipped('system.staging.json');
  fixture.writeSystem('system.staging.json', first);
  const second = structuredClone(first) as Json & { account: Json; store: Json };
  second.account.name = 'staging-b';
  second.store.tablePrefix = 'trading-staging-b';
  fixture.writeSystem('system.staging-b.json', second);
  const deployment = shippedDeployment() as { environments: Record<string, Json> };
  deployment.environments.staging!.accounts = [
    { config: 'system.staging.json' },
    { config: 'system.staging-b.json' },
  ];
  fixture.writeDeployment(deployment);
}
