import { describe, expect, it } from 'vitest';
import { riskParameters } from '../../../engine/risk/risk-parameters.ts';
import { riskLimitsSchema } from '../../../shared/config/risk-schema.ts';
import { f, rawRiskLimits, riskLimits } from './risk-fixtures.ts';

describe('Function: riskParameters', () => {
  it('turns the shipped risk file into 1e-18 dollar limits and float fractions', () => {
    const params = riskParameters(riskLimits());
    expect(params).toMatchObject({
      maxPositionNotionalRaw: f('10000') * 1_000_000_000n,
      maxGrossExposureRaw: f('50000') * 1_000_000_000n,
      maxOpenPositions: 5,
      maxOrderQty: f('1000'),
      maxOrderNotionalRaw: f('10000') * 1_000_000_000n,
      dailyLossLimitUsd: 5000,
      lossWarningFractions: [0.8, 0.9],
      stopLossFraction: 0.02,
      trailingStopFraction: 0.015,
      stopRetryIntervalMs: 2000,
      breakerEnabled: true,
      maxConsecutiveLosses: 5,
      cooldownMs: 3_600_000,
      autoResume: false,
      priceCollarPct: f('5'),
      marketProtectionPct: f('1'),
      referenceMaxAgeUs: 5_000_000,
      shortSellingAllowed: false,
      duplicateWindowMs: 2000,
      throttleWindowMs: 1000,
      maxOrdersPerSymbolPerWindow: 5,
      maxOrdersPerWindow: 20,
      latchMaxFills: 50,
      latchWindowMs: 60_000,
      enforcePatternDayTrader: true,
    });
  });
});

describe('Schema: risk limits', () => {
  it.each([
    [
      'descending warning levels',
      { loss: { warning_levels_pct: [90, 80] } },
      'loss.warning_levels_pct',
      /ascending/,
    ],
    [
      'a warning level of 100',
      { loss: { warning_levels_pct: [80, 100] } },
      'loss.warning_levels_pct.1',
      /below 100/,
    ],
    ['a zero collar', { pricing: { price_collar_pct: 0 } }, 'pricing.price_collar_pct', /above 0/],
    [
      'a fractional throttle',
      { orders: { max_orders_per_window: 2.5 } },
      'orders.max_orders_per_window',
      /int/i,
    ],
    [
      'a negative duplicate window',
      { orders: { duplicate_window_ms: -1 } },
      'orders.duplicate_window_ms',
      /0/,
    ],
    [
      'a missing latch window',
      { execution_latch: { window_seconds: undefined } },
      'execution_latch.window_seconds',
      /number/,
    ],
  ])('rejects %s', (_label, overrides, path, rule) => {
    const result = riskLimitsSchema.safeParse(rawRiskLimits(overrides));
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((candidate) => candidate.path.join('.') === path);
    expect(issue?.message).toMatch(rule);
  });
});
