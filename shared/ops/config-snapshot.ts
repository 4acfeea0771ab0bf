/**
 * The daily config snapshot: the configuration files in force (system*.json, risk_limits.toml,
 * fees.toml) as one JSON document with each file's name, sha256 and text, so that "what was the
 * config on that day" has an answer after a bad push. Each file is also checked as the engine
 * would load it; a snapshot of a broken config is still written (it is evidence), and its
 * problems are returned for the job's outcome. The config holds no secrets (credentials come from
 * the environment or Secrets Manager), and the environment is neither read nor recorded.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError, formatConfigIssue } from '../config/config-error.ts';
import { loadFeeRates, loadRiskLimits, validateConfig } from '../config/load-config.ts';
import { newYorkDate } from '../time/new-york-time.ts';
import { formatUtcStamp, parseUtcStamp, UTC_STAMP_PATTERN } from '../time/utc-stamp.ts';
import type { ArtifactStore } from './artifact-store.ts';

export const CONFIG_SNAPSHOT_FORMAT = 'trading-config-snapshot';
export const CONFIG_SNAPSHOTS_FOLDER = 'config';
const RISK_FILE = 'risk_limits.toml';
const FEES_FILE = 'fees.toml';
const SYSTEM_FILE = /^system(\.[A-Za-z0-9_-]+)?\.json$/;
const SNAPSHOT_NAME = new RegExp(`^config-(${UTC_STAMP_PATTERN})\\.json$`);

export interface ConfigSnapshotFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly text: string;
}

export interface ConfigSnapshot {
  readonly format: typeof CONFIG_SNAPSHOT_FORMAT;
  readonly version: 1;
  readonly createdAt: string;
  readonly files: readonly ConfigSnapshotFile[];
  /** What the checks found; empty when every file loads. */
  readonly problems: readonly string[];
}

export interface WrittenConfigSnapshot {
  readonly location: string;
  readonly key: string;
  readonly bytes: number;
  readonly snapshot: ConfigSnapshot;
}

/** The config files of a folder, in name order: every system*.json, risk_limits.toml, fees.toml. */
export function configFilesIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => SYSTEM_FILE.test(name) || name === RISK_FILE || name === FEES_FILE)
    .sort()
    .map((name) => join(folder, name));
}

/** `config/<New York date>/config-<UTC stamp>.json`. */
export function configSnapshotKey(nowMs: number): string {
  return `${CONFIG_SNAPSHOTS_FOLDER}/${newYorkDate(nowMs)}/config-${formatUtcStamp(nowMs)}.json`;
}

/** The time of a snapshot's file name, or null for any other file. */
export function parseConfigSnapshotName(name: string): number | null {
  const match = SNAPSHOT_NAME.exec(name);
  return match === null ? null : parseUtcStamp(match[1]!);
}

export async function writeConfigSnapshot(options: {
  readonly files: readonly string[];
  readonly artifacts: ArtifactStore;
  readonly nowMs: number;
}): Promise<WrittenConfigSnapshot> {
  const names = options.files.map((file) => basename(file));
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0)
    throw new Error(`config files named twice in one snapshot: ${repeated.join(', ')}`);
  const problems: string[] = [];
  const files: ConfigSnapshotFile[] = [];
  for (const file of options.files) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (error) {
      problems.push(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code})`);
      continue;
    }
    files.push({
      name: basename(file),
      sha256: createHash('sha256').update(content).digest('hex'),
      bytes: content.length,
      text: content.toString('utf8'),
    });
    problems.push(...checkConfigFile(file, options.files));
  }
  if (options.files.length === 0) problems.push('no config files to snapshot');
  const snapshot: ConfigSnapshot = {
    format: CONFIG_SNAPSHOT_FORMAT,
    version: 1,
    createdAt: new Date(options.nowMs).toISOString(),
    files,
    problems: [...new Set(problems)],
  };
  const body = `${JSON.stringify(snapshot, null, 2)}\n`;
  const key = configSnapshotKey(options.nowMs);
  const location = await options.artifacts.put(key, body, 'application/json');
  return { location, key, bytes: Buffer.byteLength(body), snapshot };
}

/** The file's problems as the engine's loader reports them; none when it loads. */
function checkConfigFile(file: string, all: readonly string[]): string[] {
  const name = basename(file);
  if (SYSTEM_FILE.test(name)) {
    // The environment is left out: a snapshot records the files, and env overrides are not in them.
    const riskFile = all.find((other) => basename(other) === RISK_FILE) ?? join(dirname(file), RISK_FILE);
    const result = validateConfig({ systemFile: file, riskFile, env: {} });
    return result.ok ? [] : result.issues.map(formatConfigIssue);
  }
  try {
    if (name === RISK_FILE) loadRiskLimits(file);
    else if (name === FEES_FILE) loadFeeRates(file);
    else return [`${file}: not a config file this snapshot knows how to check`];
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
}
