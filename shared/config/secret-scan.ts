/**
 * Secrets never live in config files: they come from the environment locally and from Secrets
 * Manager in AWS. This scan refuses a file that carries one, and never repeats the value.
 */
import type { ConfigIssue } from './config-error.ts';

const SECRET_KEY_NAME = /secret|password|passwd|token|api[_-]?key|key[_-]?id|private[_-]?key|access[_-]?key/i;
/** Names that refer to a secret without holding it. */
const REFERENCE_KEY_NAMES = new Set(['secretId']);
const ALPACA_KEY_ID = /^(PK|AK|CK)[A-Z0-9]{16,}$/;
const ALPACA_SECRET_LIKE = /^[A-Za-z0-9]{40}$/;

const RULE =
  'looks like a secret; keys never go in config files (locally set APCA_API_KEY_ID and APCA_API_SECRET_KEY, in AWS use Secrets Manager)';

export function findSecretValues(raw: unknown, source: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walk(raw, [], (path, key, value) => {
    if (typeof value !== 'string' || value === '') return;
    const namedSecret = key !== undefined && SECRET_KEY_NAME.test(key) && !REFERENCE_KEY_NAMES.has(key);
    if (namedSecret || ALPACA_KEY_ID.test(value) || ALPACA_SECRET_LIKE.test(value)) {
      issues.push({ source, path: path.join('.'), rule: RULE });
    }
  });
  return issues;
}

function walk(
  value: unknown,
  path: string[],
  visit: (path: string[], key: string | undefined, value: unknown) => void,
): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(item, [...path, String(index)], visit);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key], visit);
  } else {
    visit(path, path.at(-1), value);
  }
}
