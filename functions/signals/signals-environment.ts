/** The signal function's settings, from environment variables the deployment sets. */
import { z } from 'zod';
import { readFunctionEnvironment } from '../ops/function-environment.ts';

export const signalsEnvironmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  /** config account.name: the metrics' account dimension. */
  ACCOUNT_NAME: z.string().min(1),
  SIGNALS_QUEUE_URL: z.url(),
  IDEMPOTENCY_TABLE_NAME: z.string().min(3),
  /** A redelivery of a window later than this computes and publishes again (the engine drops the repeat). */
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().positive().default(3_600),
  /** The system config (bundled with the function) whose strategies say which generators run. */
  SYSTEM_CONFIG_FILE: z.string().min(1),
});

export type SignalsEnvironment = z.infer<typeof signalsEnvironmentSchema>;

export function readSignalsEnvironment(env: NodeJS.ProcessEnv): SignalsEnvironment {
  return readFunctionEnvironment('signal function', signalsEnvironmentSchema, env);
}
