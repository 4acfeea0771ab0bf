/** The watchdog Lambda's settings, from environment variables the CDK construct sets. */
import { z } from 'zod';
import { readFunctionEnvironment } from '../ops/function-environment.ts';

export const watchdogEnvironmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  ACCOUNT_NAME: z.string().min(3),
  LEASE_TABLE_NAME: z.string().min(3),
  /** Alpaca trading REST base URL (paper or live). */
  TRADING_URL: z.url(),
  /** Secrets Manager id of {"keyId":"…","secretKey":"…"}. */
  BROKER_SECRET_ID: z.string().min(1),
  /** How long one run may wait for an overdue lease to lapse; keep under the function timeout. */
  WAIT_FOR_OVERDUE_MS: z.coerce.number().int().nonnegative().default(50_000),
});

export type WatchdogEnvironment = z.infer<typeof watchdogEnvironmentSchema>;

export function readWatchdogEnvironment(env: NodeJS.ProcessEnv): WatchdogEnvironment {
  return readFunctionEnvironment('watchdog', watchdogEnvironmentSchema, env);
}
