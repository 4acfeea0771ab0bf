/**
 * The config files a scheduled-operations function reads at run time (the pre-market check
 * validates the deployed config; the backup snapshots it; the signal function runs its strategies), copied into the function's bundle by
 * NodejsFunction command hooks: the account's system file, risk_limits.toml and fees.toml
 * under config/, and the model folder of every model-driven strategy at the same path relative
 * to config/ as in the repository, so the system file's manifest paths resolve unchanged.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { loadConfig } from '../shared/config/load-config.ts';

/** Where Lambda unpacks the bundle. */
export const LAMBDA_TASK_ROOT = '/var/task';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));

export interface BundledConfig {
  /** Files copied, relative to the repository root (and to the bundle's root). */
  readonly files: readonly string[];
  /** Folders copied whole (each model-driven strategy's model), relative to the same roots. */
  readonly directories: readonly string[];
}

/** An account's whole config: its system file with the TOML files beside it, and its models. */
export interface EnvironmentConfig extends BundledConfig {
  /** The system file, relative to the repository root and to the bundle's root (config/…). */
  readonly systemFile: string;
  /** The folder holding it and the TOML files. */
  readonly directory: string;
}

/** A file of the repository as the bundle and the image hold it: its path from the repository root. */
export function repositoryPath(file: string): string {
  const path = relative(REPOSITORY, resolve(file));
  if (path === '' || path.startsWith('..') || isAbsolute(path))
    throw new Error(`${file} is outside the repository; it cannot be bundled or built into the image`);
  return path;
}

/** `file`: the account's system file (absolute, or relative to the working directory), inside the repository. */
export function bundledConfigFor(file: string): EnvironmentConfig {
  const systemFile = repositoryPath(file);
  const directory = dirname(systemFile);
  const { system } = loadConfig({ systemFile: join(REPOSITORY, systemFile), env: {} });
  const directories = new Set<string>();
  for (const strategy of system.strategies) {
    if (strategy.type !== 'model-driven') continue;
    const folder = relative(REPOSITORY, dirname(resolve(REPOSITORY, directory, strategy.manifest)));
    if (folder === '' || folder.startsWith('..') || isAbsolute(folder)) {
      throw new Error(
        `strategy ${strategy.id}'s model ${strategy.manifest} is outside the repository; it cannot be bundled`,
      );
    }
    directories.add(folder);
  }
  return {
    systemFile,
    directory,
    files: [systemFile, join(directory, 'risk_limits.toml'), join(directory, 'fees.toml')],
    directories: [...directories].sort(),
  };
}

/** The path a bundled file has in the running function. */
export function deployedPath(path: string): string {
  return `${LAMBDA_TASK_ROOT}/${path.split(/[\\/]/).join('/')}`;
}

const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;

/** Command hooks copying the config into the bundle after esbuild has written it. */
export function configCommandHooks(config: BundledConfig): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      ...config.files.map(
        (file) =>
          `mkdir -p ${quote(join(outputDir, dirname(file)))} && cp ${quote(join(inputDir, file))} ${quote(join(outputDir, file))}`,
      ),
      ...config.directories.map(
        (folder) =>
          `mkdir -p ${quote(join(outputDir, dirname(folder)))} && cp -R ${quote(join(inputDir, folder))} ${quote(join(outputDir, dirname(folder)))}/`,
      ),
    ],
  };
}
