/** One token per engine API role for tests, and the environment that hands them to an engine. */
import { API_TOKEN_VARIABLES } from '../../shared/api/api-roles.ts';

export const TEST_API_TOKENS = {
  read: 'test-read-token-0123456789',
  operator: 'test-operator-token-0123456789',
  admin: 'test-admin-token-0123456789',
} as const;

export const TEST_API_TOKEN_ENV: Readonly<Record<string, string>> = {
  [API_TOKEN_VARIABLES.read]: TEST_API_TOKENS.read,
  [API_TOKEN_VARIABLES.operator]: TEST_API_TOKENS.operator,
  [API_TOKEN_VARIABLES.admin]: TEST_API_TOKENS.admin,
};
