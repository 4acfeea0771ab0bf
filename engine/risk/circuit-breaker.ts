/**
 * The circuit breaker: normal → reducing → halted.
 *
 * - normal: everything the other rules allow.
 * - reducing: tripped automatically (daily loss limit, consecutive losing trades). No new
 *   exposure; orders that only reduce pass, so positions can be wound down. After the cooldown it
 *   resumes by itself only when auto_resume is on; otherwise an operator resets it.
 * - halted: by an operator or the kill switch; latched until an operator resets it. Only risk's
 *   own exits pass (stop exits, the kill switch's flatten). A reset returns to reducing while the
 *   cooldown of an automatic trip that was running is not over, and to normal otherwise.
 *
 * Every transition is published with its time, reason and operator.
 */

import { refusal } from '../../shared/domain/outcome.ts';
import type { BreakerReason, BreakerState, BreakerTransition, OperatorActionResult } from './risk-events.ts';
import { validateOperatorAction } from './risk-events.ts';

export interface CircuitBreakerSettings {
  readonly breakerEnabled: boolean;
  readonly cooldownMs: number;
  readonly autoResume: boolean;
}

export class CircuitBreaker {
  readonly #settings: CircuitBreakerSettings;
  readonly #publish: (event: BreakerTransition) => void;
  #state: BreakerState = 'normal';
  /** What latched the breaker halted; null unless halted. */
  #haltedBy: 'operator_halt' | 'kill_switch' | null = null;
  /**
   * When the running automatic trip began, or null. Kept through a halt, so that releasing a
   * kill switch or an operator halt never skips a loss cooldown that was already running.
   */
  #tripAtMs: number | null = null;

  constructor(settings: CircuitBreakerSettings, publish: (event: BreakerTransition) => void) {
    this.#settings = settings;
    this.#publish = publish;
  }

  get state(): BreakerState {
    return this.#state;
  }

  get allowsNewRisk(): boolean {
    return this.#state === 'normal';
  }

  get haltedBy(): 'operator_halt' | 'kill_switch' | null {
    return this.#haltedBy;
  }

  /** When the running automatic trip's cooldown ends, or null when none runs. */
  get cooldownEndsAtMs(): number | null {
    return this.#tripAtMs === null ? null : this.#tripAtMs + this.#settings.cooldownMs;
  }

  /**
   * An automatic trip; ignored when the breaker is disabled or already tripped. While halted it
   * only starts the cooldown, which then outlasts the halt.
   */
  trip(reason: 'daily_loss_limit' | 'consecutive_losses', detail: string, atMs: number): void {
    if (!this.#settings.breakerEnabled || this.#tripAtMs !== null) return;
    this.#tripAtMs = atMs;
    if (this.#state === 'normal') this.#move('reducing', reason, detail, null, atMs);
  }

  /** Operator halt or kill switch: latched whatever the state, even with automatic trips disabled. */
  halt(reason: 'operator_halt' | 'kill_switch', operator: string, detail: string, atMs: number): void {
    // A kill switch on top of an operator halt still takes over: it is what a reset releases.
    if (this.#state === 'halted' && (this.#haltedBy === 'kill_switch' || reason === 'operator_halt')) return;
    this.#haltedBy = reason;
    this.#move('halted', reason, detail, operator, atMs);
  }

  /**
   * An operator reset. From halted it goes to reducing while a loss cooldown still runs, and to
   * normal otherwise; from reducing only once the cooldown is over.
   */
  reset(operator: string, reason: string, atMs: number): OperatorActionResult {
    const invalid = validateOperatorAction(operator, reason);
    if (invalid !== null) return invalid;
    if (this.#state === 'normal') return refusal('breaker_not_open', 'the circuit breaker is not open');
    const cooldownEndsAtMs = this.cooldownEndsAtMs;
    const cooling = cooldownEndsAtMs !== null && atMs < cooldownEndsAtMs;
    if (this.#state === 'reducing' && cooling) {
      return refusal(
        'cooldown_running',
        `the loss cooldown runs until ${new Date(cooldownEndsAtMs).toISOString()}`,
      );
    }
    this.#haltedBy = null;
    if (cooling) {
      this.#move('reducing', 'operator_reset', reason, operator, atMs);
      return {
        ok: true,
        detail: { breaker: 'reducing', cooldownEndsAt: new Date(cooldownEndsAtMs).toISOString() },
      };
    }
    this.#tripAtMs = null;
    this.#move('normal', 'operator_reset', reason, operator, atMs);
    return { ok: true, detail: { breaker: 'normal' } };
  }

  /** Auto-resume, when configured, once the cooldown after an automatic trip has passed. */
  tick(nowMs: number): void {
    const cooldownEndsAtMs = this.cooldownEndsAtMs;
    if (cooldownEndsAtMs === null || nowMs < cooldownEndsAtMs || this.#state === 'halted') return;
    if (this.#state === 'reducing' && !this.#settings.autoResume) return;
    this.#tripAtMs = null;
    if (this.#state === 'reducing')
      this.#move('normal', 'cooldown_elapsed', 'cooldown elapsed with auto_resume on', null, nowMs);
  }

  #move(to: BreakerState, reason: BreakerReason, detail: string, operator: string | null, atMs: number) {
    const from = this.#state;
    this.#state = to;
    this.#publish({ type: 'breaker_transition', from, to, reason, detail, operator, atMs });
  }
}
