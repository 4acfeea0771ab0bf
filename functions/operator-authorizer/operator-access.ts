/**
 * Who may reach the engine's operator API, decided in order: a well-formed event, an allowed source
 * address, a bearer token, then the token's role and the method. The operator and admin tokens may
 * use any method (the engine checks each route's role); the read-only token only reads (GET, HEAD).
 * Every refusal is a value with a reason code.
 */

import type { ApiRole } from '../../shared/api/api-roles.ts';
import type { TokenMatcher } from '../../shared/api/api-tokens.ts';
import { readBearerToken } from '../../shared/api/bearer-token.ts';
import type { SourceAllowList } from '../../shared/net/source-allow-list.ts';
import { type OperatorRequest, readAuthorizerEvent } from './authorizer-event.ts';
import { loadTokens, type TokenSources } from './operator-tokens.ts';

export type DenialReason =
  | 'malformed_event'
  | 'source_not_allowed'
  | 'missing_token'
  | 'wrong_scheme'
  | 'empty_token'
  | 'unknown_token'
  | 'read_only_token'
  | 'tokens_unavailable';

export type AccessDecision = (
  | {
      readonly allowed: true;
      readonly role: ApiRole;
      readonly reason: `${ApiRole}_token`;
      readonly request: OperatorRequest;
    }
  | {
      readonly allowed: false;
      readonly role: 'none';
      readonly reason: DenialReason;
      /** Absent when the event is malformed; then eventProblem says why (field paths, never values). */
      readonly request?: OperatorRequest;
      readonly eventProblem?: string;
    }
) & {
  /** Why a token secret is unusable, found whenever the secrets were read, even for an allowed request. */
  readonly secretProblems: readonly string[];
};

export interface OperatorAccessDependencies {
  readonly allowedSources: SourceAllowList;
  readonly tokens: TokenSources;
  readonly match: TokenMatcher;
}

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export async function decideOperatorAccess(
  event: unknown,
  deps: OperatorAccessDependencies,
): Promise<AccessDecision> {
  const read = readAuthorizerEvent(event);
  if (!read.ok) {
    return {
      allowed: false,
      role: 'none',
      reason: 'malformed_event',
      eventProblem: read.problem,
      secretProblems: [],
    };
  }
  const { request } = read;
  const deny = (reason: DenialReason, secretProblems: readonly string[] = []): AccessDecision => ({
    allowed: false,
    role: 'none',
    reason,
    request,
    secretProblems,
  });
  if (!deps.allowedSources.allows(request.sourceIp)) return deny('source_not_allowed');
  const presented = readBearerToken(request.authorization);
  if (!presented.ok) return deny(presented.reason);
  // The secrets are read only for a request that got this far, so strangers cost no secret reads.
  const known = await loadTokens(deps.tokens);
  const secretProblems = known.problems;
  const role = deps.match(presented.token, known.tokens);
  if (role === 'read' && !READ_METHODS.has(request.method)) return deny('read_only_token', secretProblems);
  if (role !== undefined) return { allowed: true, role, reason: `${role}_token`, request, secretProblems };
  // A token that matched nothing may be one whose secret could not be read: say so rather than "unknown".
  return deny(secretProblems.length > 0 ? 'tokens_unavailable' : 'unknown_token', secretProblems);
}
