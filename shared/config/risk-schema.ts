import { z } from 'zod';
import { type Fixed, fixedFromNumber, tryParseFixed } from '../domain/fixed.ts';

/** Money or a percentage: a TOML number or a decimal string, held exactly as Fixed. */
const decimal = z.union([z.number(), z.string()]).transform((value, ctx): Fixed => {
  const parsed = typeof value === 'number' ? fixedFromNumber(value) : tryParseFixed(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a decimal number with at most 9 decimal places' });
    return z.NEVER;
  }
  return parsed;
});

const positiveDecimal = decimal.refine((value) => value > 0n, { message: 'must be greater than zero' });
const percent = decimal.refine((value) => value > 0n && value < 100_000_000_000n, {
  message: 'must be a percentage above 0 and below 100',
});
const positiveInt = z.number().int().positive();

export const riskLimitsSchema = z.strictObject({
  limits: z.strictObject({
    max_position_notional_usd: positiveDecimal,
    max_total_exposure_usd: positiveDecimal,
    max_open_positions: positiveInt,
  }),
  loss: z.strictObject({
    daily_loss_limit_usd: positiveDecimal,
    stop_loss_pct: percent,
    trailing_stop_pct: percent,
  }),
  circuit_breaker: z.strictObject({
    enabled: z.boolean(),
    max_consecutive_losses: positiveInt,
    cooldown_minutes: positiveInt,
    auto_resume: z.boolean(),
  }),
  broker: z.strictObject({
    requests_per_minute: positiveInt,
  }),
});

export type RiskLimits = z.infer<typeof riskLimitsSchema>;
