/**
 * The circuit breaker: normal → reducing → halted.
 *
 * - normal: everything the other rules allow.
 * - reducing: tripped automatically (daily loss limit, consecutive losing trades). No new
 *   exposure; orders that only reduce pass, so positions can be wound down. After the cooldown it
 *   resumes by itself only when auto_resume is on; otherwise an operator resets it.
 * - halted: by an operator or the kill switch; latched until an operator resets it.
 *
 * Every transition is published with its time, reason and operator.
 */
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
  #openedAtMs = 0;

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

  /** When an automatic trip's cooldown ends (meaningful only while reducing). */
  get cooldownEndsAtMs(): number {
    return this.#openedAtMs + this.#settings.cooldownMs;
  }

  /** An automatic trip; ignored when the breaker is disabled or already open. */
  trip(reason: 'daily_loss_limit' | 'consecutive_losses', detail: string, atMs: number): void {
    if (!this.#settings.breakerEnabled || this.#state !== 'normal') return;
    this.#openedAtMs = atMs;
    this.#move('reducing', reason, detail, null, atMs);
  }

  /** Operator halt or kill switch: latched whatever the state, even with automatic trips disabled. */
  halt(reason: 'operator_halt' | 'kill_switch', operator: string, detail: string, atMs: number): void {
    if (this.#state === 'halted') return;
    this.#openedAtMs = atMs;
    this.#move('halted', reason, detail, operator, atMs);
  }

  reset(operator: string, reason: string, atMs: number): OperatorActionResult {
    const invalid = validateOperatorAction(operator, reason);
    if (invalid !== null) return invalid;
    if (this.#state === 'normal') return { ok: false, reason: 'the circuit breaker is not open' };
    if (this.#state === 'reducing' && atMs < this.cooldownEndsAtMs) {
      return {
        ok: false,
        reason: `the cooldown runs until ${new Date(this.cooldownEndsAtMs).toISOString()}`,
      };
    }
    this.#move('normal', 'operator_reset', reason, operator, atMs);
    return { ok: true };
  }

  /** Auto-resume, when configured, once the cooldown after an automatic trip has passed. */
  tick(nowMs: number): void {
    if (this.#state === 'reducing' && this.#settings.autoResume && nowMs >= this.cooldownEndsAtMs) {
      this.#move('normal', 'cooldown_elapsed', 'cooldown elapsed with auto_resume on', null, nowMs);
    }
  }

  #move(to: BreakerState, reason: BreakerReason, detail: string, operator: string | null, atMs: number) {
    const from = this.#state;
    this.#state = to;
    this.#publish({ type: 'breaker_transition', from, to, reason, detail, operator, atMs });
  }
}
