/**
 * Who may do what on the engine's API. Roles nest: an operator can read, an admin can do what an
 * operator can. The circuit-breaker reset is admin-only because it re-opens trading that risk
 * stopped on purpose; the kill switch is an operator's, since anyone on call must be able to stop.
 */
export const API_ROLES = ['read', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

const RANK: Readonly<Record<ApiRole, number>> = { read: 0, operator: 1, admin: 2 };

export function roleAllows(held: ApiRole, needed: ApiRole): boolean {
  return RANK[held] >= RANK[needed];
}

/** The environment variable that carries each role's token to the engine (and the CLI locally). */
export const API_TOKEN_VARIABLES: Readonly<Record<ApiRole, string>> = {
  read: 'TRADING_READ_TOKEN',
  operator: 'TRADING_OPERATOR_TOKEN',
  admin: 'TRADING_ADMIN_TOKEN',
};
