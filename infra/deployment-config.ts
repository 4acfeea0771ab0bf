/**
 * config/deployment.json: what DevOps deploys per environment — the AWS region, the broker
 * accounts (each one engine, named by its own system config file), the engine task's size, the
 * alarm thresholds that are not in the risk config, and who may reach the operator API.
 *
 * Each account's system file is loaded with the engine's own validation, and then checked for
 * what running in AWS needs: the environment it is listed under, the Alpaca venue, keys injected
 * by ECS from Secrets Manager (`credentials.source: environment` in the container), an API that
 * listens on the task's interface, and names (account, tables, queues) that no other account of
 * the environment uses. Every problem of the file is reported at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../shared/config/config-error.ts';
import { type Config, loadConfig } from '../shared/config/load-config.ts';
import { ENVIRONMENTS, type Environment } from '../shared/config/system-schema.ts';
import { parseCidr } from '../shared/net/source-allow-list.ts';

export const CONFIG_DIRECTORY = fileURLToPath(new URL('../config/', import.meta.url));
export const DEPLOYMENT_FILE = join(CONFIG_DIRECTORY, 'deployment.json');

/** Fargate's valid CPU units and, for each, the memory range it accepts (MiB). */
const FARGATE_MEMORY: Readonly<Record<number, readonly [number, number]>> = {
  256: [512, 2048],
  512: [1024, 4096],
  1024: [2048, 8192],
  2048: [4096, 16384],
  4096: [8192, 30720],
};

const environmentSchema = z
  .strictObject({
    /** The AWS account id the environment deploys to; absent: the CLI's credentials decide. */
    awsAccount: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
    /** One engine per broker account; `config` is a system file in config/. */
    accounts: z
      .array(
        z.strictObject({
          config: z
            .string()
            .regex(/^system\.[a-z0-9-]+\.json$/, 'must name a system.<name>.json file in config/'),
        }),
      )
      .min(1, 'must list at least one broker account'),
    engine: z.strictObject({
      cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]),
      memoryMiB: z.number().int(),
    }),
    alarms: z.strictObject({
      /** Order round trip (sent → broker's answer) p99 over 5 minutes. */
      orderLatencyP99Ms: z.strictObject({
        page: z.number().positive(),
        notify: z.number().positive(),
      }),
    }),
    operatorAccess: z.strictObject({
      /** Source addresses the operator API accepts; empty: any, with a token. */
      allowedCidrs: z.array(
        z
          .string()
          .refine(
            (text) => typeof parseCidr(text) !== 'string',
            'must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24',
          ),
      ),
    }),
    backtestSweep: z.strictObject({
      maxConcurrency: z.number().int().min(1).max(10_000),
    }),
  })
  .superRefine((value, context) => {
    const [low, high] = FARGATE_MEMORY[value.engine.cpu]!;
    if (value.engine.memoryMiB < low || value.engine.memoryMiB > high || value.engine.memoryMiB % 1024 !== 0)
      context.addIssue({
        code: 'custom',
        path: ['engine', 'memoryMiB'],
        message: `with cpu ${value.engine.cpu} Fargate takes ${low}-${high} MiB in steps of 1024`,
      });
    if (value.alarms.orderLatencyP99Ms.notify >= value.alarms.orderLatencyP99Ms.page)
      context.addIssue({
        code: 'custom',
        path: ['alarms', 'orderLatencyP99Ms', 'notify'],
        message: 'must be below page: the notification comes before the page',
      });
  });

const deploymentSchema = z.strictObject({
  environments: z.partialRecord(z.enum(ENVIRONMENTS), environmentSchema),
});

export type EnvironmentDeploymentSettings = z.infer<typeof environmentSchema>;

/** One broker account as deployed: its system file (in config/) and that file's loaded config. */
export interface DeployedAccount {
  /** The file's name, as config/deployment.json lists it. */
  readonly configFile: string;
  /** Its absolute path. */
  readonly systemFile: string;
  readonly config: Config;
  /** config account.name: the stack, lease, secret and alarm names say it. */
  readonly name: string;
}

export interface EnvironmentDeployment {
  readonly environment: Environment;
  readonly settings: EnvironmentDeploymentSettings;
  readonly accounts: readonly DeployedAccount[];
}

export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(`${file} is not a valid deployment:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/** The account's problems for running in AWS, beyond the engine's own config validation. */
function deployabilityProblems(environment: Environment, file: string, config: Config): string[] {
  const { system } = config;
  const problems: string[] = [];
  if (system.environment !== environment)
    problems.push(`${file}: environment is ${system.environment}, but it is listed under ${environment}`);
  if (system.broker.venue !== 'alpaca')
    problems.push(`${file}: broker.venue must be alpaca in AWS (the simulator runs locally only)`);
  if (system.broker.credentials.source !== 'environment')
    problems.push(
      `${file}: broker.credentials.source must be "environment": ECS injects the keys from the account's Secrets Manager secret`,
    );
  if (system.engine.http.host !== '0.0.0.0')
    problems.push(
      `${file}: engine.http.host must be 0.0.0.0 so the operator API's VPC link reaches the task (its security group admits only the link)`,
    );
  return problems;
}

/** Names two engines of one environment must not share. */
function sharedNameProblems(accounts: readonly DeployedAccount[]): string[] {
  const problems: string[] = [];
  const claim = (kind: string, owners: Map<string, string>, name: string, file: string) => {
    const owner = owners.get(name);
    if (owner !== undefined) problems.push(`${file}: ${kind} ${name} is already used by ${owner}`);
    else owners.set(name, file);
  };
  const names = new Map<string, string>();
  const prefixes = new Map<string, string>();
  const queues = new Map<string, string>();
  for (const account of accounts) {
    const { system } = account.config;
    claim('account.name', names, system.account.name, account.configFile);
    claim('store.tablePrefix', prefixes, system.store.tablePrefix, account.configFile);
    if (system.signals !== undefined) {
      claim('signals.barsQueue', queues, system.signals.barsQueue, account.configFile);
      claim('signals.signalsQueue', queues, system.signals.signalsQueue, account.configFile);
    }
  }
  return problems;
}

export interface LoadDeploymentOptions {
  /** config/deployment.json by default. */
  readonly file?: string;
  /** Where the accounts' system files are; the deployment file's folder by default. */
  readonly configDirectory?: string;
}

/** The deployment of one environment, every problem of the file reported at once. */
export function loadEnvironmentDeployment(
  environment: Environment,
  options: LoadDeploymentOptions = {},
): EnvironmentDeployment {
  const file = options.file ?? DEPLOYMENT_FILE;
  const directory = options.configDirectory ?? join(file, '..');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeploymentConfigError(file, [error instanceof Error ? error.message : String(error)]);
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success)
    throw new DeploymentConfigError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  const settings = parsed.data.environments[environment];
  if (settings === undefined)
    throw new DeploymentConfigError(file, [`environments.${environment}: the environment is not deployed`]);

  const problems: string[] = [];
  const accounts: DeployedAccount[] = [];
  for (const { config: configFile } of settings.accounts) {
    const systemFile = join(directory, configFile);
    let config: Config;
    try {
      // The deployed config as the container loads it: no overrides from this shell's environment.
      config = loadConfig({ systemFile, env: {} });
    } catch (error) {
      problems.push(
        error instanceof ConfigError
          ? `${configFile}: ${error.message}`
          : `${configFile}: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    problems.push(...deployabilityProblems(environment, configFile, config));
    if (config.system.store.region !== settings.region)
      problems.push(
        `${configFile}: store.region is ${config.system.store.region}, but the environment deploys to ${settings.region}`,
      );
    accounts.push({ configFile, systemFile, config, name: config.system.account.name });
  }
  problems.push(...sharedNameProblems(accounts));
  if (problems.length > 0) throw new DeploymentConfigError(file, problems);
  return { environment, settings, accounts };
}
