/** One token per role for engines that tests start: all different, each long enough to be accepted. */
export const TEST_API_TOKENS = {
  read: 'test-read-token-0123456789',
  operator: 'test-operator-token-0123456789',
  admin: 'test-admin-token-0123456789',
} as const;
