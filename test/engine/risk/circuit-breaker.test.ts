import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../engine/risk/circuit-breaker.ts';
import type { BreakerTransition } from '../../../engine/risk/risk-events.ts';

const MINUTE = 60_000;

function breaker(settings: { breakerEnabled?: boolean; autoResume?: boolean } = {}) {
  const events: BreakerTransition[] = [];
  const subject = new CircuitBreaker(
    {
      breakerEnabled: settings.breakerEnabled ?? true,
      cooldownMs: 60 * MINUTE,
      autoResume: settings.autoResume ?? false,
    },
    (event) => events.push(event),
  );
  return { subject, events };
}

describe('Class: CircuitBreaker', () => {
  it('trips to reducing with an event carrying time and reason, and ignores a second trip', () => {
    const { subject, events } = breaker();
    subject.trip('daily_loss_limit', 'lost 5000', 1_000);
    subject.trip('consecutive_losses', 'five in a row', 2_000);
    expect(subject.state).toBe('reducing');
    expect(subject.allowsNewRisk).toBe(false);
    expect(events).toStrictEqual([
      {
        type: 'breaker_transition',
        from: 'normal',
        to: 'reducing',
        reason: 'daily_loss_limit',
        detail: 'lost 5000',
        operator: null,
        atMs: 1_000,
      },
    ]);
  });

  it('with auto_resume off, stays open after the cooldown until an operator resets it', () => {
    const { subject, events } = breaker();
    subject.trip('daily_loss_limit', 'lost', 0);
    subject.tick(120 * MINUTE);
    expect(subject.state).toBe('reducing');
    expect(subject.reset('alice', 'loss reviewed', 120 * MINUTE)).toStrictEqual({ ok: true });
    expect(subject.state).toBe('normal');
    expect(events.at(-1)).toMatchObject({
      to: 'normal',
      reason: 'operator_reset',
      operator: 'alice',
      detail: 'loss reviewed',
    });
  });

  it('refuses a reset without an operator, without a reason, or inside the cooldown', () => {
    const { subject } = breaker();
    subject.trip('consecutive_losses', 'five', 0);
    expect(subject.reset(' ', 'why', 61 * MINUTE)).toStrictEqual({
      ok: false,
      reason: 'an operator identity is required',
    });
    expect(subject.reset('alice', '', 61 * MINUTE)).toStrictEqual({
      ok: false,
      reason: 'a reason is required',
    });
    expect(subject.reset('alice', 'early', 60 * MINUTE - 1)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/cooldown/),
    });
    expect(subject.reset('alice', 'on time', 60 * MINUTE).ok).toBe(true);
    expect(subject.reset('alice', 'again', 61 * MINUTE)).toStrictEqual({
      ok: false,
      reason: 'the circuit breaker is not open',
    });
  });

  it('with auto_resume on, resumes by itself once the cooldown has passed', () => {
    const { subject, events } = breaker({ autoResume: true });
    subject.trip('daily_loss_limit', 'lost', 0);
    subject.tick(60 * MINUTE - 1);
    expect(subject.state).toBe('reducing');
    subject.tick(60 * MINUTE);
    expect(subject.state).toBe('normal');
    expect(events.at(-1)).toMatchObject({
      from: 'reducing',
      to: 'normal',
      reason: 'cooldown_elapsed',
      operator: null,
    });
  });

  it('latches a halt (operator or kill switch) past any cooldown, even with auto_resume, until an operator resets', () => {
    const { subject } = breaker({ autoResume: true });
    subject.trip('daily_loss_limit', 'lost', 0);
    subject.halt('kill_switch', 'bob', 'runaway', 1);
    subject.tick(24 * 60 * MINUTE);
    expect(subject.state).toBe('halted');
    expect(subject.reset('bob', 'fixed', 2).ok).toBe(true);
    expect(subject.state).toBe('normal');
  });

  it('when disabled, never trips by itself but still halts for an operator', () => {
    const { subject } = breaker({ breakerEnabled: false });
    subject.trip('daily_loss_limit', 'lost', 0);
    expect(subject.state).toBe('normal');
    subject.halt('operator_halt', 'carol', 'news', 0);
    expect(subject.state).toBe('halted');
  });
});
