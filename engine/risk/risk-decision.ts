/**
 * The answer to a pre-trade check: approved, or denied by one named rule with a reason code and a
 * message a person can act on. A denial is a value, never an exception.
 */
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { Refusal } from '../../shared/domain/outcome.ts';

/** Every pre-trade rule and the reason code it denies with. */
export const RULE_REASON_CODES = {
  valid_intent: 'invalid_intent',
  strategy_armed: 'strategy_latched',
  circuit_breaker: 'circuit_breaker_open',
  circuit_breaker_halted: 'circuit_breaker_halted',
  broker_reconciled: 'positions_unreconciled',
  market_closed: 'market_closed',
  reduce_only: 'reduce_only_would_increase',
  symbol_tradable: 'symbol_halted',
  fresh_reference: 'reference_price_stale',
  luld_band: 'outside_luld_band',
  price_collar: 'price_outside_collar',
  duplicate_intent: 'duplicate_intent',
  self_match: 'self_match',
  symbol_order_rate: 'symbol_order_rate_exceeded',
  order_rate: 'order_rate_exceeded',
  max_order_qty: 'order_qty_exceeded',
  max_order_notional: 'order_notional_exceeded',
  short_selling: 'short_selling_not_allowed',
  pattern_day_trader: 'pattern_day_trader',
  max_open_positions: 'open_positions_exceeded',
  max_position_notional: 'position_notional_exceeded',
  max_gross_exposure: 'gross_exposure_exceeded',
  buying_power: 'insufficient_buying_power',
} as const;

export type RuleName = keyof typeof RULE_REASON_CODES;
export type ReasonCode = (typeof RULE_REASON_CODES)[RuleName];

export interface RiskApproval {
  readonly ok: true;
  /**
   * For a market order: the protective bound to send it with, as a limit price (a marketable
   * limit order), so it can never fill further than market_order_protection_pct beyond the touch.
   * Null for other order types, and for a kill-switch flatten when no fresh price exists.
   */
  readonly protectiveLimitPrice: Fixed | null;
}

export interface RiskDenial extends Refusal<ReasonCode> {
  readonly rule: RuleName;
}

export type RiskDecision = RiskApproval | RiskDenial;

/** The approval without a protective price, shared so that a passing check allocates nothing for it. */
export const APPROVED: RiskApproval = Object.freeze({ ok: true, protectiveLimitPrice: null });
