/**
 * The one configuration loader: a system JSON file, the risk TOML file and documented
 * environment overrides, validated together. It reports every problem at once (schema,
 * then consistency rules) and returns a deeply frozen, typed config.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { checkConsistency } from './consistency-rules.ts';
import { applyEnvOverrides } from './env-overrides.ts';
import { type FeeRates, feesFileSchema } from './fees-schema.ts';
import { type RiskLimits, riskLimitsSchema } from './risk-schema.ts';
import { findSecretValues } from './secret-scan.ts';
import { loadStrategyModels, type StrategyModels } from './strategy-models.ts';
import { type SystemConfig, systemConfigSchema } from './system-schema.ts';

export interface Config {
  readonly system: SystemConfig;
  readonly risk: RiskLimits;
  readonly files: { readonly system: string; readonly risk: string };
  /** The models of model-driven strategies, by strategy id, validated with the rest. */
  readonly models: StrategyModels;
}

export interface LoadConfigOptions {
  readonly systemFile: string;
  /** Defaults to risk_limits.toml beside the system file. */
  readonly riskFile?: string;
  /** Defaults to process.env; pass {} to ignore the environment. */
  readonly env?: NodeJS.ProcessEnv;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

export function defaultRiskFile(systemFile: string): string {
  return join(dirname(systemFile), 'risk_limits.toml');
}

/** Validates without throwing; the validate-config command and tests use this. */
export function validateConfig(options: LoadConfigOptions): ConfigResult {
  const riskFile = options.riskFile ?? defaultRiskFile(options.systemFile);
  const env = options.env ?? process.env;
  const issues: ConfigIssue[] = [];

  const systemRaw = readStructuredFile(options.systemFile, 'json', issues);
  const riskRaw = readStructuredFile(riskFile, 'toml', issues);

  let system: SystemConfig | undefined;
  if (systemRaw !== undefined) {
    issues.push(...findSecretValues(systemRaw, options.systemFile));
    const { merged, overriddenPaths, issues: envIssues } = applyEnvOverrides(systemRaw, env);
    issues.push(...envIssues);
    const sourceOf = (path: string): string => overriddenPaths.get(path) ?? options.systemFile;
    system = collectSchemaIssues(systemConfigSchema, merged, sourceOf, issues);
    issues.push(...checkConsistency.system(merged, sourceOf));
  }
  const loaded = system === undefined ? undefined : loadStrategyModels(system, options.systemFile);
  if (loaded !== undefined) issues.push(...loaded.issues);

  const risk = riskRaw === undefined ? undefined : validateRisk(riskRaw, riskFile, issues);

  if (issues.length > 0 || system === undefined || risk === undefined || loaded === undefined)
    return { ok: false, issues };
  // Models hold typed arrays, which cannot be frozen; they are read-only by their interfaces.
  const frozen = deepFreeze({ system, risk, files: { system: options.systemFile, risk: riskFile } });
  return { ok: true, config: { ...frozen, models: loaded.models } };
}

/**
 * A risk file alone, validated as validateConfig validates it: a backtest runs with the account's
 * risk_limits.toml or another it is given. Throws a ConfigError that lists every problem.
 */
export function loadRiskLimits(riskFile: string): RiskLimits {
  return parseRiskLimits(readConfigText(riskFile), riskFile);
}

/**
 * A risk file's text, validated as loadRiskLimits validates the file (a sweep on AWS carries the
 * text to its Lambdas); `source` names it in the problems. Throws a ConfigError.
 */
export function parseRiskLimits(text: string, source: string): RiskLimits {
  const issues: ConfigIssue[] = [];
  const raw = parseStructuredText(text, source, 'toml', issues);
  const risk = raw === undefined ? undefined : validateRisk(raw, source, issues);
  if (issues.length > 0 || risk === undefined) throw new ConfigError(issues);
  return deepFreeze(risk);
}

function validateRisk(raw: unknown, riskFile: string, issues: ConfigIssue[]): RiskLimits | undefined {
  issues.push(...findSecretValues(raw, riskFile));
  const risk = collectSchemaIssues(riskLimitsSchema, raw, () => riskFile, issues);
  if (risk !== undefined) issues.push(...checkConsistency.risk(risk, riskFile));
  return risk;
}

/** A fees file (config/fees.toml), validated; throws a ConfigError that lists every problem. */
export function loadFeeRates(feesFile: string): FeeRates {
  return parseFeeRates(readConfigText(feesFile), feesFile);
}

/** A fees file's text, validated as loadFeeRates validates the file; `source` names it. */
export function parseFeeRates(text: string, source: string): FeeRates {
  const issues: ConfigIssue[] = [];
  const raw = parseStructuredText(text, source, 'toml', issues);
  const rates =
    raw === undefined ? undefined : collectSchemaIssues(feesFileSchema, raw, () => source, issues);
  if (issues.length > 0 || rates === undefined) throw new ConfigError(issues);
  return rates;
}

/** A config file's text; one that cannot be read is a ConfigError naming it and the system's code. */
export function readConfigText(file: string): string {
  const issues: ConfigIssue[] = [];
  const text = readText(file, issues);
  if (text === undefined) throw new ConfigError(issues);
  return text;
}

/** Loads and validates, throwing a ConfigError that lists every problem. */
export function loadConfig(options: LoadConfigOptions): Config {
  const result = validateConfig(options);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}

/**
 * For a process's start-up: the config, or null once every problem has been printed to stderr
 * (the caller then exits 1).
 */
export function loadConfigOrReport(options: LoadConfigOptions): Config | null {
  const result = validateConfig(options);
  if (result.ok) return result.config;
  console.error(new ConfigError(result.issues).message);
  return null;
}

function readStructuredFile(file: string, format: 'json' | 'toml', issues: ConfigIssue[]): unknown {
  const text = readText(file, issues);
  return text === undefined ? undefined : parseStructuredText(text, file, format, issues);
}

function readText(file: string, issues: ConfigIssue[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    issues.push({ source: file, path: '', rule: `cannot read the file (${code})` });
    return undefined;
  }
}

function parseStructuredText(
  text: string,
  source: string,
  format: 'json' | 'toml',
  issues: ConfigIssue[],
): unknown {
  try {
    return format === 'json' ? JSON.parse(text) : parseToml(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    issues.push({
      source,
      path: '',
      rule: `not valid ${format.toUpperCase()} in ${basename(source)}: ${detail}`,
    });
    return undefined;
  }
}

function collectSchemaIssues<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  sourceOf: (path: string) => string,
  issues: ConfigIssue[],
): z.output<T> | undefined {
  // reportInput: without it zod 4 leaves `input` out of every issue, and a key of the wrong type
  // would read as a missing one.
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const parent = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = parent === '' ? key : `${parent}.${key}`;
        issues.push({ source: sourceOf(path), path, rule: 'unknown key (not part of the schema)' });
      }
    } else {
      issues.push({ source: sourceOf(parent), path: parent, rule: describeIssue(issue) });
    }
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `required key is missing (${issue.expected})`;
  return issue.message;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
