/**
 * Environment overrides of the system config. Only the names below are read; each lands on one
 * key path and is validated by the same schema as the file, with errors naming the variable.
 */
import type { ConfigIssue } from './config-error.ts';

type Kind = 'string' | 'integer' | 'list';

/** name → [key path, kind]. Documented in docs/configuration.md; keep the two in step. */
export const ENV_OVERRIDES: Readonly<Record<string, readonly [string, Kind]>> = {
  TRADING_LOG_LEVEL: ['logging.level', 'string'],
  TRADING_HTTP_HOST: ['engine.http.host', 'string'],
  TRADING_HTTP_PORT: ['engine.http.port', 'integer'],
  TRADING_SYMBOLS: ['marketData.symbols', 'list'],
  TRADING_FEED: ['marketData.feed', 'string'],
  TRADING_BROKER_TRADING_URL: ['broker.tradingUrl', 'string'],
  TRADING_BROKER_TRADING_STREAM_URL: ['broker.tradingStreamUrl', 'string'],
  TRADING_BROKER_DATA_URL: ['broker.dataUrl', 'string'],
  TRADING_BROKER_MARKET_DATA_STREAM_URL: ['broker.marketDataStreamUrl', 'string'],
  TRADING_BROKER_CRYPTO_DATA_STREAM_URL: ['broker.cryptoDataStreamUrl', 'string'],
  TRADING_DYNAMODB_ENDPOINT: ['store.endpoint', 'string'],
  TRADING_TABLE_PREFIX: ['store.tablePrefix', 'string'],
  TRADING_LEASE_TTL_MS: ['store.leaseTtlMs', 'integer'],
  TRADING_SIMULATOR_PORT: ['simulator.port', 'integer'],
  TRADING_SQS_ENDPOINT: ['signals.endpoint', 'string'],
};

export interface EnvOverrideResult {
  readonly merged: unknown;
  /** key path → `environment variable NAME`, so schema errors point at the variable. */
  readonly overriddenPaths: ReadonlyMap<string, string>;
  readonly issues: ConfigIssue[];
}

export function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv): EnvOverrideResult {
  const merged: unknown = structuredClone(raw);
  const overriddenPaths = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
    return { merged, overriddenPaths, issues };
  }
  for (const [name, [path, kind]] of Object.entries(ENV_OVERRIDES)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const source = `environment variable ${name}`;
    let value: unknown = text;
    if (kind === 'integer') {
      if (!/^\d+$/.test(text)) {
        issues.push({ source, path, rule: 'must be a whole number' });
        continue;
      }
      value = Number(text);
    } else if (kind === 'list') {
      value = text.split(',').map((item) => item.trim());
    }
    setPath(merged as Record<string, unknown>, path.split('.'), value);
    overriddenPaths.set(path, source);
  }
  return { merged, overriddenPaths, issues };
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}
