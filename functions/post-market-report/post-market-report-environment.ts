/** The post-market report Lambda's settings, from environment variables the CDK construct sets. */
import { z } from 'zod';

export const postMarketReportEnvironmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  ACCOUNT_NAME: z.string().min(3),
  STATE_TABLE_NAME: z.string().min(3),
  /** Alpaca trading REST base URL (paper or live). */
  TRADING_URL: z.url(),
  /** Secrets Manager id of {"keyId":"…","secretKey":"…"}. */
  BROKER_SECRET_ID: z.string().min(1),
  /** Where the Markdown and HTML reports go (under reports/<date>/). */
  REPORT_BUCKET: z.string().min(3),
  /** The fee schedule the estimate uses, bundled with the function. */
  FEES_FILE: z.string().min(1).default('config/fees.toml'),
});

export type PostMarketReportEnvironment = z.infer<typeof postMarketReportEnvironmentSchema>;

export function readPostMarketReportEnvironment(env: NodeJS.ProcessEnv): PostMarketReportEnvironment {
  const parsed = postMarketReportEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`post-market report environment is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}
