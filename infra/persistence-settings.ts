/**
 * What the store and the watchdog need from an environment's config file, read at synth time so
 * the stack and the engine agree on table names, the lease key and the broker URL.
 */
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../shared/config/load-config.ts';
import type { Environment } from '../shared/config/system-schema.ts';

export interface PersistenceSettings {
  readonly tablePrefix: string;
  readonly accountName: string;
  readonly tradingUrl: string;
}

/** Each environment's system config file, in config/. */
export const CONFIG_FILES: Readonly<Record<Environment, string>> = {
  development: 'system.json',
  staging: 'system.staging.json',
  production: 'system.production.json',
};

export function persistenceSettingsFor(environment: Environment): PersistenceSettings {
  const { system } = loadConfig({
    systemFile: fileURLToPath(new URL(`../config/${CONFIG_FILES[environment]}`, import.meta.url)),
  });
  return {
    tablePrefix: system.store.tablePrefix,
    accountName: system.account.name,
    tradingUrl: system.broker.tradingUrl,
  };
}
