/**
 * The risk file turned into the forms the checks compare against: dollar limits at the 1e-18
 * scale of a price × quantity product (so a check multiplies and compares, never divides) and
 * float64 fractions for the per-quote paths (stops, loss monitor), which stay float like the feed.
 */
import type { RiskLimits } from '../../shared/config/risk-schema.ts';
import { type Fixed, fixedToNumber, SCALE } from '../../shared/domain/fixed.ts';

export interface RiskParameters {
  readonly maxPositionNotionalRaw: bigint;
  readonly maxGrossExposureRaw: bigint;
  readonly maxOpenPositions: number;
  readonly maxOrderQty: Fixed;
  readonly maxOrderNotionalRaw: bigint;
  readonly dailyLossLimitUsd: number;
  /** Ascending fractions of the daily loss limit (0.8, 0.9) that raise a warning. */
  readonly lossWarningFractions: readonly number[];
  readonly stopLossFraction: number;
  readonly trailingStopFraction: number;
  /** At least a second, and past the duplicate window so a retried exit is not refused as a duplicate. */
  readonly stopRetryIntervalMs: number;
  readonly breakerEnabled: boolean;
  readonly maxConsecutiveLosses: number;
  readonly cooldownMs: number;
  readonly autoResume: boolean;
  /** Percent as Fixed (5% → 5.000000000). */
  readonly priceCollarPct: Fixed;
  readonly marketProtectionPct: Fixed;
  readonly referenceMaxAgeUs: number;
  readonly shortSellingAllowed: boolean;
  readonly duplicateWindowMs: number;
  readonly throttleWindowMs: number;
  readonly maxOrdersPerSymbolPerWindow: number;
  readonly maxOrdersPerWindow: number;
  readonly latchMaxFills: number;
  readonly latchWindowMs: number;
  readonly enforcePatternDayTrader: boolean;
}

export function riskParameters(limits: RiskLimits): RiskParameters {
  return {
    maxPositionNotionalRaw: limits.limits.max_position_notional_usd * SCALE,
    maxGrossExposureRaw: limits.limits.max_total_exposure_usd * SCALE,
    maxOpenPositions: limits.limits.max_open_positions,
    maxOrderQty: limits.limits.max_order_qty,
    maxOrderNotionalRaw: limits.limits.max_order_notional_usd * SCALE,
    dailyLossLimitUsd: fixedToNumber(limits.loss.daily_loss_limit_usd),
    lossWarningFractions: limits.loss.warning_levels_pct.map((pct) => fixedToNumber(pct) / 100),
    stopLossFraction: fixedToNumber(limits.loss.stop_loss_pct) / 100,
    trailingStopFraction: fixedToNumber(limits.loss.trailing_stop_pct) / 100,
    stopRetryIntervalMs: Math.max(1_000, limits.orders.duplicate_window_ms),
    breakerEnabled: limits.circuit_breaker.enabled,
    maxConsecutiveLosses: limits.circuit_breaker.max_consecutive_losses,
    cooldownMs: limits.circuit_breaker.cooldown_minutes * 60_000,
    autoResume: limits.circuit_breaker.auto_resume,
    priceCollarPct: limits.pricing.price_collar_pct,
    marketProtectionPct: limits.pricing.market_order_protection_pct,
    referenceMaxAgeUs: limits.pricing.reference_max_age_ms * 1000,
    shortSellingAllowed: limits.orders.short_selling_allowed,
    duplicateWindowMs: limits.orders.duplicate_window_ms,
    throttleWindowMs: limits.orders.throttle_window_ms,
    maxOrdersPerSymbolPerWindow: limits.orders.max_orders_per_symbol_per_window,
    maxOrdersPerWindow: limits.orders.max_orders_per_window,
    latchMaxFills: limits.execution_latch.max_fills,
    latchWindowMs: limits.execution_latch.window_seconds * 1000,
    enforcePatternDayTrader: limits.account.enforce_pattern_day_trader,
  };
}
