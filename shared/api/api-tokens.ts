/**
 * The role tokens and which of them a presented token is. Both sides go through HMAC-SHA256 under
 * a key drawn at start, so timingSafeEqual always compares 32 bytes: neither the bytes nor the
 * length of a token shape the time a comparison takes, and every known token is compared on
 * every call.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_ROLES, API_TOKEN_VARIABLES, type ApiRole } from './api-roles.ts';

// Header values are visible ASCII without spaces; a shorter token is too easy to guess online.
export const USABLE_TOKEN = /^[\x21-\x7e]{16,4096}$/;
export const TOKEN_RULE = '16 to 4096 visible ASCII characters, no spaces';

export type RoleTokens = Readonly<Partial<Record<ApiRole, string>>>;

export type TokenMatcher = (presented: string, known: RoleTokens) => ApiRole | undefined;

export function tokenMatcher(): TokenMatcher {
  const key = randomBytes(32);
  const digest = (token: string) => createHmac('sha256', key).update(token, 'utf8').digest();
  return (presented, known) => {
    const presentedDigest = digest(presented);
    let matched: ApiRole | undefined;
    // No early exit: every role's token is compared whatever matched first.
    for (const role of API_ROLES) {
      const token = known[role];
      if (token !== undefined && timingSafeEqual(presentedDigest, digest(token))) matched ??= role;
    }
    return matched;
  };
}

/**
 * Tokens must differ: one value for two roles would make the lower role's holder the higher one.
 * Returns the problems, one sentence each, never quoting a token.
 */
export function tokenProblems(tokens: Readonly<Partial<Record<ApiRole, string | undefined>>>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, ApiRole>();
  for (const role of API_ROLES) {
    const token = tokens[role];
    if (token === undefined) continue;
    if (!USABLE_TOKEN.test(token)) {
      problems.push(`the ${role} token is not usable (${TOKEN_RULE})`);
      continue;
    }
    const other = seen.get(token);
    if (other !== undefined) problems.push(`the ${role} token is the same as the ${other} token`);
    seen.set(token, role);
  }
  return problems;
}

/** Each role's token from its environment variable (ECS injects them from Secrets Manager). */
export function tokensFromEnvironment(env: NodeJS.ProcessEnv): {
  readonly tokens: RoleTokens;
  readonly problems: readonly string[];
} {
  const tokens: Partial<Record<ApiRole, string>> = {};
  for (const role of API_ROLES) {
    const value = env[API_TOKEN_VARIABLES[role]];
    if (value !== undefined && value !== '') tokens[role] = value;
  }
  const problems = tokenProblems(tokens).map((problem) =>
    problem.replace(
      /^the (\w+) token/,
      (_, role: ApiRole) => `${API_TOKEN_VARIABLES[role]} (the ${role} token)`,
    ),
  );
  return { tokens, problems };
}

/** A fresh token for each role not set in `env`: what `npm start` hands its engine on loopback. */
export function generateMissingTokens(env: NodeJS.ProcessEnv): Partial<Record<ApiRole, string>> {
  const generated: Partial<Record<ApiRole, string>> = {};
  for (const role of API_ROLES) {
    const value = env[API_TOKEN_VARIABLES[role]];
    if (value === undefined || value === '')
      generated[role] = `${role}-${randomBytes(24).toString('base64url')}`;
  }
  return generated;
}
