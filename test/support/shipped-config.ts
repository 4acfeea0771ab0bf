import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CONFIG_DIR = join(import.meta.dirname, '../../config');

/**
 * A shipped system config as a plain object, its model manifests (relative to config/) made
 * absolute, so that a test may write a changed copy anywhere and it still finds them.
 */
export function shippedSystemConfig(name = 'system.json'): Record<string, unknown> {
  const config = JSON.parse(readFileSync(join(CONFIG_DIR, name), 'utf8'));
  for (const strategy of config.strategies as { manifest?: string }[]) {
    if (strategy.manifest !== undefined) strategy.manifest = resolve(CONFIG_DIR, strategy.manifest);
  }
  return config;
}
