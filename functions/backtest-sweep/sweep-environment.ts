/** The sweep functions' settings, from the environment variables their CDK construct sets. */
import { z } from 'zod';
import { readFunctionEnvironment } from '../ops/function-environment.ts';

export const sweepEnvironmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  /** The sweep bucket: each run's files under sweeps/<runId>/ (backtest/sweep/aws/sweep-run-layout.ts). */
  SWEEP_BUCKET: z.string().min(3),
});

export type SweepEnvironment = z.infer<typeof sweepEnvironmentSchema>;

export function readSweepEnvironment(functionName: string, env: NodeJS.ProcessEnv): SweepEnvironment {
  return readFunctionEnvironment(functionName, sweepEnvironmentSchema, env);
}
