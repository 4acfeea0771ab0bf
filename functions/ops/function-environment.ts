/** A function's settings from the environment variables its CDK construct sets, validated at cold start. */
import type { z } from 'zod';

export function readFunctionEnvironment<Schema extends z.ZodType>(
  functionName: string,
  schema: Schema,
  env: NodeJS.ProcessEnv,
): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${functionName} environment is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}
