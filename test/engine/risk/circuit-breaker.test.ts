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
    expect(subject.reset('alice', 'loss reviewed', 120 * MINUTE)).toStrictEqual({
      ok: true,
      detail: { breaker: 'normal' },
    });
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
      code: 'operator_required',
      message: 'an operator identity is required',
    });
    expect(subject.reset('alice', '', 61 * MINUTE)).toStrictEqual({
      ok: false,
      code: 'reason_required',
      message: 'a reason is required',
    });
    expect(subject.reset('alice', 'early', 60 * MINUTE - 1)).toStrictEqual({
      ok: false,
      code: 'cooldown_running',
      message: 'the loss cooldown runs until 1970-01-01T01:00:00.000Z',
    });
    expect(subject.reset('alice', 'on time', 60 * MINUTE).ok).toBe(true);
    expect(subject.reset('alice', 'again', 61 * MINUTE)).toStrictEqual({
      ok: false,
      code: 'breaker_not_open',
      message: 'the circuit breaker is not open',
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
    expect(subject.reset('bob', 'fixed', 24 * 60 * MINUTE).ok).toBe(true);
    expect(subject.state).toBe('normal');
  });

  it('releasing a kill switch never skips a loss cooldown that was running: it goes back to reducing', () => {
    const { subject, events } = breaker({ autoResume: true });
    subject.trip('daily_loss_limit', 'lost', 0);
    subject.halt('kill_switch', 'bob', 'runaway', 10 * MINUTE);
    expect(subject.reset('bob', 'flat now', 20 * MINUTE)).toStrictEqual({
      ok: true,
      detail: { breaker: 'reducing', cooldownEndsAt: '1970-01-01T01:00:00.000Z' },
    });
    expect(subject.state).toBe('reducing');
    expect(subject.allowsNewRisk).toBe(false);
    subject.tick(60 * MINUTE);
    expect(subject.state).toBe('normal');
    expect(events.map((event) => `${event.from}>${event.to}:${event.reason}`)).toStrictEqual([
      'normal>reducing:daily_loss_limit',
      'reducing>halted:kill_switch',
      'halted>reducing:operator_reset',
      'reducing>normal:cooldown_elapsed',
    ]);
  });

  it('a loss trip while halted starts its cooldown, which the release then honours', () => {
    const { subject } = breaker();
    subject.halt('operator_halt', 'carol', 'news', 0);
    subject.trip('consecutive_losses', 'five', 5 * MINUTE);
    expect(subject.cooldownEndsAtMs).toBe(65 * MINUTE);
    expect(subject.reset('carol', 'news out', 10 * MINUTE)).toMatchObject({
      ok: true,
      detail: { breaker: 'reducing' },
    });
    expect(subject.reset('carol', 'again', 30 * MINUTE)).toMatchObject({
      ok: false,
      code: 'cooldown_running',
    });
  });

  it('a kill switch on top of an operator halt takes over; a second one changes nothing', () => {
    const { subject, events } = breaker();
    subject.halt('operator_halt', 'carol', 'news', 0);
    subject.halt('kill_switch', 'bob', 'runaway', 1);
    subject.halt('kill_switch', 'bob', 'again', 2);
    subject.halt('operator_halt', 'carol', 'news', 3);
    expect(subject.haltedBy).toBe('kill_switch');
    expect(events.map((event) => `${event.from}>${event.to}:${event.reason}`)).toStrictEqual([
      'normal>halted:operator_halt',
      'halted>halted:kill_switch',
    ]);
  });

  it('when disabled, never trips by itself but still halts for an operator', () => {
    const { subject } = breaker({ breakerEnabled: false });
    subject.trip('daily_loss_limit', 'lost', 0);
    expect(subject.state).toBe('normal');
    subject.halt('operator_halt', 'carol', 'news', 0);
    expect(subject.state).toBe('halted');
  });
});
