/** The operator authorizer's settings, from environment variables the CDK construct sets. */
import { z } from 'zod';
import { parseCidrList } from '../../shared/net/source-allow-list.ts';
import { readFunctionEnvironment } from '../ops/function-environment.ts';

export const operatorAuthorizerEnvironmentSchema = z
  .object({
    /** The account's name: the `account` dimension of the metrics and a key on every log line. */
    ACCOUNT_NAME: z.string().min(3),
    /** Secrets Manager id of the operator token (the SecretString is the token itself). */
    OPERATOR_TOKEN_SECRET_ID: z.string().min(1),
    /** Secrets Manager id of the read-only token (the SecretString is the token itself). */
    READ_TOKEN_SECRET_ID: z.string().min(1),
    /** Secrets Manager id of the admin token (the SecretString is the token itself). */
    ADMIN_TOKEN_SECRET_ID: z.string().min(1),
    /** Comma-separated IPv4/IPv6 CIDRs operators call from; blank or absent lets any address through. */
    ALLOWED_CIDRS: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const parsed = parseCidrList(text);
        if (parsed.ok) return parsed.subnets;
        for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }),
  })
  .refine((env) => env.OPERATOR_TOKEN_SECRET_ID !== env.READ_TOKEN_SECRET_ID, {
    path: ['READ_TOKEN_SECRET_ID'],
    message: 'must not be OPERATOR_TOKEN_SECRET_ID: the read-only token would then be the operator token',
  })
  .refine(
    (env) =>
      env.ADMIN_TOKEN_SECRET_ID !== env.OPERATOR_TOKEN_SECRET_ID &&
      env.ADMIN_TOKEN_SECRET_ID !== env.READ_TOKEN_SECRET_ID,
    {
      path: ['ADMIN_TOKEN_SECRET_ID'],
      message:
        'must differ from OPERATOR_TOKEN_SECRET_ID and READ_TOKEN_SECRET_ID: each role has its own token',
    },
  );

export type OperatorAuthorizerEnvironment = z.infer<typeof operatorAuthorizerEnvironmentSchema>;

export function readOperatorAuthorizerEnvironment(env: NodeJS.ProcessEnv): OperatorAuthorizerEnvironment {
  return readFunctionEnvironment('operator-authorizer', operatorAuthorizerEnvironmentSchema, env);
}
