/** Settings the scheduled-operations functions share, from the environment their CDK constructs set. */
import { z } from 'zod';

export const opsEnvironmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  ACCOUNT_NAME: z.string().min(3),
  STATE_TABLE_NAME: z.string().min(3),
  /** Alpaca trading REST base URL (paper or live). */
  TRADING_URL: z.url(),
  /** Secrets Manager id of {"keyId":"…","secretKey":"…"}. */
  BROKER_SECRET_ID: z.string().min(1),
});

/** The engine's control API (https off loopback) and the secret holding a read token for it. */
export const engineApiEnvironmentSchema = z.object({
  ENGINE_API_URL: z.url(),
  ENGINE_API_TOKEN_SECRET_ID: z.string().min(1).optional(),
});

/** The config files bundled with the function: the system file, with its risk limits beside it. */
export const bundledConfigEnvironmentSchema = z.object({
  CONFIG_FILE: z.string().min(1),
});
