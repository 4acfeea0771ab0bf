/**
 * Lambda entry point of the operator API's authorizer. Wiring only: environment, and the three token
 * secrets through Powertools, cached five minutes (a rotated token is honoured within five minutes).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createOperatorAuthorizer } from './operator-authorizer.ts';
import { readOperatorAuthorizerEnvironment } from './operator-authorizer-environment.ts';

const env = readOperatorAuthorizerEnvironment(process.env);
export const handler = createOperatorAuthorizer({
  account: env.ACCOUNT_NAME,
  allowedCidrs: env.ALLOWED_CIDRS,
  tokens: {
    operator: () => getSecret(env.OPERATOR_TOKEN_SECRET_ID, { maxAge: 300 }),
    read: () => getSecret(env.READ_TOKEN_SECRET_ID, { maxAge: 300 }),
    admin: () => getSecret(env.ADMIN_TOKEN_SECRET_ID, { maxAge: 300 }),
  },
});
