/** The post-market report Lambda's settings, from environment variables the CDK construct sets. */
import { z } from 'zod';
import { readFunctionEnvironment } from '../ops/function-environment.ts';
import { opsEnvironmentSchema } from '../ops/ops-environment.ts';

export const postMarketReportEnvironmentSchema = opsEnvironmentSchema.extend({
  /** Where the Markdown and HTML reports go (under reports/<date>/). */
  REPORT_BUCKET: z.string().min(3),
  /** The fee schedule the estimate uses, bundled with the function. */
  FEES_FILE: z.string().min(1).default('config/fees.toml'),
});

export type PostMarketReportEnvironment = z.infer<typeof postMarketReportEnvironmentSchema>;

export function readPostMarketReportEnvironment(env: NodeJS.ProcessEnv): PostMarketReportEnvironment {
  return readFunctionEnvironment('post-market report', postMarketReportEnvironmentSchema, env);
}
