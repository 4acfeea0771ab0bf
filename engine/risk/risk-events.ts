/**
 * Everything risk announces on its event bus: breaker transitions, loss warnings, stop exits, the
 * kill switch, strategy latches and session resets. Each carries its time and reason, so the
 * persistence layer can record it as it is.
 */
import type { Fixed } from '../../shared/domain/fixed.ts';
import { type Outcome, type Refusal, refusal } from '../../shared/domain/outcome.ts';

export type BreakerState = 'normal' | 'reducing' | 'halted';

export type BreakerReason =
  | 'daily_loss_limit'
  | 'consecutive_losses'
  | 'operator_halt'
  | 'kill_switch'
  | 'operator_reset'
  | 'cooldown_elapsed';

export interface BreakerTransition {
  readonly type: 'breaker_transition';
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: BreakerReason;
  readonly detail: string;
  /** Who did it, for operator actions; null for automatic ones. */
  readonly operator: string | null;
  readonly atMs: number;
}

export interface LossWarning {
  readonly type: 'loss_warning';
  /** The level reached, in percent of the daily loss limit (80, 90). */
  readonly levelPct: number;
  readonly dailyPnlUsd: number;
  readonly limitUsd: number;
  readonly atMs: number;
}

export type StopKind = 'stop_loss' | 'trailing_stop';

export interface StopTriggered {
  readonly type: 'stop_triggered';
  readonly kind: StopKind;
  readonly symbol: string;
  /** The price that crossed the stop (bid for a long, ask for a short). */
  readonly price: number;
  readonly stopPrice: number;
  /**
   * Working orders in the symbol to cancel first: the broker holds a position's quantity for open
   * orders, and risk counts them as if filled, so the exit passes only once they are gone.
   */
  readonly cancelClientOrderIds: readonly string[];
  readonly atMs: number;
}

/** A position the kill switch closes: the risk-action executor sends the exits. */
export interface PositionToClose {
  readonly symbol: string;
  /** Signed, as held when the switch was thrown. */
  readonly qty: Fixed;
}

export interface KillSwitchActivated {
  readonly type: 'kill_switch';
  readonly operator: string;
  readonly reason: string;
  readonly cancelClientOrderIds: readonly string[];
  readonly flatten: readonly PositionToClose[];
  readonly atMs: number;
}

export interface StrategyLatched {
  readonly type: 'strategy_latched';
  readonly strategyId: string;
  readonly maxFills: number;
  readonly windowMs: number;
  readonly atMs: number;
}

export interface StrategyRearmed {
  readonly type: 'strategy_rearmed';
  readonly strategyId: string;
  readonly operator: string;
  readonly reason: string;
  readonly atMs: number;
}

export interface SessionStarted {
  readonly type: 'session_started';
  readonly sessionDate: string;
  readonly atMs: number;
}

export interface BrokerStateChanged {
  readonly type: 'broker_state';
  readonly reconciled: boolean;
  readonly reason: string;
  readonly atMs: number;
}

export type RiskEvent =
  | BreakerTransition
  | LossWarning
  | StopTriggered
  | KillSwitchActivated
  | StrategyLatched
  | StrategyRearmed
  | SessionStarted
  | BrokerStateChanged;

/** The answer to an operator action (reset, re-arm, kill switch): refused with a code, never thrown. */
export type OperatorActionResult = Outcome;

/** An operator action needs to say who and why; the audit trail is worthless otherwise. */
export function validateOperatorAction(operator: string, reason: string): Refusal | null {
  if (operator.trim() === '') return refusal('operator_required', 'an operator identity is required');
  if (reason.trim() === '') return refusal('reason_required', 'a reason is required');
  return null;
}
