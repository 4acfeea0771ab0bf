/**
 * The role tokens the authorizer knows, read from their sources on each request (the sources
 * cache). Each token is checked on its own, so a broken read-only secret does not lock operators
 * out of the kill switch. Problems never quote a secret's value.
 */
import { API_ROLES, type ApiRole } from '../../shared/api/api-roles.ts';
import { type RoleTokens, TOKEN_RULE, USABLE_TOKEN } from '../../shared/api/api-tokens.ts';

/** Where each token comes from: Secrets Manager in AWS, plain values in tests. */
export type TokenSources = Readonly<Record<ApiRole, () => Promise<unknown>>>;

export interface KnownTokens {
  readonly tokens: RoleTokens;
  /** Why a token is missing, one sentence each. */
  readonly problems: readonly string[];
}

function errorText(error: unknown): string {
  // Secrets Manager errors (through Powertools, no transform) name the secret and the failure, not its value.
  return error instanceof Error ? `${error.name}: ${error.message}` : 'a non-error was thrown';
}

export async function loadTokens(sources: TokenSources): Promise<KnownTokens> {
  // Through an async arrow, a source that throws before it returns a promise is a rejection too.
  const results = await Promise.allSettled(API_ROLES.map(async (role) => sources[role]()));
  const problems: string[] = [];
  const tokens: Partial<Record<ApiRole, string>> = {};
  API_ROLES.forEach((role, index) => {
    const result = results[index]!;
    if (result.status === 'rejected') {
      problems.push(`the ${role} token secret could not be read (${errorText(result.reason)})`);
    } else if (typeof result.value !== 'string') {
      problems.push(`the ${role} token secret has no SecretString; store the token itself as a string`);
    } else if (!USABLE_TOKEN.test(result.value)) {
      problems.push(`the ${role} token secret does not hold a usable token (${TOKEN_RULE})`);
    } else {
      tokens[role] = result.value;
    }
  });
  // Comparing configured secrets: no caller input, so no timing to protect. A token shared with a
  // higher role would grant that role, so the lower role is off until they differ.
  API_ROLES.forEach((role, index) => {
    const higher = API_ROLES.slice(index + 1).find(
      (other) => tokens[other] !== undefined && tokens[other] === tokens[role],
    );
    if (tokens[role] === undefined || higher === undefined) return;
    problems.push(
      `the ${role} token secret holds the ${higher} token; the ${role} role is off until they differ`,
    );
    delete tokens[role];
  });
  return { tokens, problems };
}
