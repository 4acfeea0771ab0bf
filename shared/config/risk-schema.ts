import { z } from 'zod';
import { decimal, positiveDecimal } from './decimal-schema.ts';

const percent = decimal.refine((value) => value > 0n && value < 100_000_000_000n, {
  message: 'must be a percentage above 0 and below 100',
});
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

const ascendingPercents = z
  .array(percent)
  .min(1)
  .refine((levels) => levels.every((level, i) => i === 0 || level > levels[i - 1]!), {
    message: 'must be in ascending order without repeats',
  });

export const riskLimitsSchema = z.strictObject({
  limits: z.strictObject({
    max_position_notional_usd: positiveDecimal,
    max_total_exposure_usd: positiveDecimal,
    max_open_positions: positiveInt,
    max_order_qty: positiveDecimal,
    max_order_notional_usd: positiveDecimal,
  }),
  loss: z.strictObject({
    daily_loss_limit_usd: positiveDecimal,
    stop_loss_pct: percent,
    trailing_stop_pct: percent,
    warning_levels_pct: ascendingPercents,
  }),
  // Where stops live: watched by the engine on every quote, or also held at the broker as a
  // stop-loss leg of each entry (OTO, or bracket with a take-profit), which protects the position
  // while the engine is down. Optional, so risk files written before it keep loading.
  stops: z.strictObject({ mode: z.enum(['engine', 'broker']) }).default({ mode: 'engine' }),
  circuit_breaker: z.strictObject({
    enabled: z.boolean(),
    max_consecutive_losses: positiveInt,
    cooldown_minutes: positiveInt,
    auto_resume: z.boolean(),
  }),
  broker: z.strictObject({
    requests_per_minute: positiveInt,
  }),
  pricing: z.strictObject({
    price_collar_pct: percent,
    market_order_protection_pct: percent,
    reference_max_age_ms: positiveInt,
  }),
  orders: z.strictObject({
    short_selling_allowed: z.boolean(),
    duplicate_window_ms: nonNegativeInt,
    throttle_window_ms: positiveInt,
    max_orders_per_symbol_per_window: positiveInt,
    max_orders_per_window: positiveInt,
  }),
  execution_latch: z.strictObject({
    max_fills: positiveInt,
    window_seconds: positiveInt,
  }),
  account: z.strictObject({
    enforce_pattern_day_trader: z.boolean(),
  }),
});

export type RiskLimits = z.infer<typeof riskLimitsSchema>;
