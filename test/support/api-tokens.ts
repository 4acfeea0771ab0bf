/** The engine API's tokens in tests: one per role, all different, each long enough to be usable. */
export const TEST_API_TOKENS = {
  read: 'test-read-token-0123456789',
  operator: 'test-operator-token-0123456789',
  admin: 'test-admin-token-0123456789',
} as const;

/** The environment that hands them to an engine process. */
export const TEST_API_TOKEN_ENV = {
  TRADING_READ_TOKEN: TEST_API_TOKENS.read,
  TRADING_OPERATOR_TOKEN: TEST_API_TOKENS.operator,
  TRADING_ADMIN_TOKEN: TEST_API_TOKENS.admin,
} as const;

export function bearer(role: keyof typeof TEST_API_TOKENS): { authorization: string } {
  return { authorization: `Bearer ${TEST_API_TOKENS[role]}` };
}
