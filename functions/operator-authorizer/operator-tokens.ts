/**
 * The two tokens the authorizer knows, read from their sources on each request (the sources cache),
 * and which of them a presented token is. Each token is checked on its own, so a broken read-only
 * secret does not lock operators out of the kill switch. Problems never quote a secret's value.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenRole = 'operator' | 'read';

/** Where each token comes from: Secrets Manager in AWS, plain values in tests. */
export type TokenSources = Readonly<Record<TokenRole, () => Promise<unknown>>>;

export interface KnownTokens {
  readonly operator: string | undefined;
  readonly read: string | undefined;
  /** Why a token is missing, one sentence each. */
  readonly problems: readonly string[];
}

// Header values are visible ASCII without spaces; a shorter token is too easy to guess online.
const USABLE_TOKEN = /^[\x21-\x7e]{16,4096}$/;
const TOKEN_RULE = '16 to 4096 visible ASCII characters, no spaces';

function errorText(error: unknown): string {
  // Secrets Manager errors (through Powertools, no transform) name the secret and the failure, not its value.
  return error instanceof Error ? `${error.name}: ${error.message}` : 'a non-error was thrown';
}

export async function loadTokens(sources: TokenSources): Promise<KnownTokens> {
  // Through an async arrow, a source that throws before it returns a promise is a rejection too.
  const [operator, read] = await Promise.allSettled(
    [sources.operator, sources.read].map(async (source) => source()),
  );
  const problems: string[] = [];
  const usable = (role: TokenRole, result: PromiseSettledResult<unknown>): string | undefined => {
    if (result.status === 'rejected') {
      problems.push(`the ${role} token secret could not be read (${errorText(result.reason)})`);
      return undefined;
    }
    if (typeof result.value !== 'string') {
      problems.push(`the ${role} token secret has no SecretString; store the token itself as a string`);
      return undefined;
    }
    if (!USABLE_TOKEN.test(result.value)) {
      problems.push(`the ${role} token secret does not hold a usable token (${TOKEN_RULE})`);
      return undefined;
    }
    return result.value;
  };
  const operatorToken = usable('operator', operator);
  const readToken = usable('read', read);
  // Comparing two configured secrets: no caller input, so no timing to protect.
  if (readToken !== undefined && readToken === operatorToken) {
    problems.push(
      'the read token secret holds the operator token; the read-only role is off until they differ',
    );
    return { operator: operatorToken, read: undefined, problems };
  }
  return { operator: operatorToken, read: readToken, problems };
}

/**
 * Which known token a presented one is. Both sides go through HMAC-SHA256 under a key drawn at cold
 * start, so timingSafeEqual always compares 32 bytes: neither the bytes nor the length of a token
 * shape the time a comparison takes, and every known token is compared on every call.
 */
export function tokenMatcher(): (presented: string, known: KnownTokens) => TokenRole | undefined {
  const key = randomBytes(32);
  const digest = (token: string) => createHmac('sha256', key).update(token, 'utf8').digest();
  const matches = (presented: Buffer, token: string | undefined) =>
    token !== undefined && timingSafeEqual(presented, digest(token));
  return (presented, known) => {
    const presentedDigest = digest(presented);
    const operator = matches(presentedDigest, known.operator);
    const read = matches(presentedDigest, known.read);
    if (operator) return 'operator';
    return read ? 'read' : undefined;
  };
}
