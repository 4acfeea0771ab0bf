import { describe, expect, it } from 'vitest';
import {
  leaseLostNotification,
  restartDifferencesNotification,
  riskEventNotification,
} from '../../../engine/notifications/event-notifications.ts';
import { FeedOutages } from '../../../engine/notifications/feed-outages.ts';
import type { BreakerTransition, RiskEvent } from '../../../engine/risk/risk-events.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { T0 } from './notifications-fixture.ts';

function transition(overrides: Partial<BreakerTransition>): BreakerTransition {
  return {
    type: 'breaker_transition',
    from: 'normal',
    to: 'reducing',
    reason: 'daily_loss_limit',
    detail: 'daily loss 1000.00 reached the limit 1000.00',
    operator: null,
    atMs: T0,
    ...overrides,
  };
}

describe('Function: riskEventNotification', () => {
  it('makes a halt a P0 breaker trip, naming who halted it', () => {
    expect(
      riskEventNotification(
        transition({ to: 'halted', reason: 'operator_halt', operator: 'alice', detail: 'broker outage' }),
      ),
    ).toStrictEqual({
      severity: 'P0',
      kind: 'breaker_tripped',
      title: 'circuit breaker halted (operator_halt) by alice',
      detail:
        'normal → halted: broker outage. Only exits reach the broker until an operator resets the breaker.',
      atMs: T0,
    });
  });

  it.each(['daily_loss_limit', 'consecutive_losses'] as const)(
    'makes an automatic trip to reducing (%s) a P1 breaker trip',
    (reason) => {
      expect(riskEventNotification(transition({ reason }))).toStrictEqual({
        severity: 'P1',
        kind: 'breaker_tripped',
        title: `circuit breaker reducing (${reason})`,
        detail:
          'normal → reducing: daily loss 1000.00 reached the limit 1000.00. New exposure is refused; orders that reduce still pass.',
        atMs: T0,
      });
    },
  );

  it.each([
    ['the kill switch’s own halt (its kill_switch event says more)', { to: 'halted', reason: 'kill_switch' }],
    ['a reset to normal', { from: 'halted', to: 'normal', reason: 'operator_reset' }],
    ['a reset from halted to reducing', { from: 'halted', to: 'reducing', reason: 'operator_reset' }],
    ['the end of a cooldown', { from: 'reducing', to: 'normal', reason: 'cooldown_elapsed' }],
  ] as const)('says nothing of %s', (_, overrides) => {
    expect(riskEventNotification(transition(overrides))).toBeNull();
  });

  it('makes a loss warning a P1 loss threshold', () => {
    expect(
      riskEventNotification({
        type: 'loss_warning',
        levelPct: 80,
        dailyPnlUsd: -812.5,
        limitUsd: 1000,
        atMs: T0,
      }),
    ).toStrictEqual({
      severity: 'P1',
      kind: 'loss_threshold',
      title: 'daily loss at 80 % of the limit',
      detail:
        'Daily P&L -812.50 USD against a daily loss limit of 1000.00 USD; the breaker trips at the limit.',
      atMs: T0,
    });
  });

  it('makes the kill switch a P0 saying who, why and what it closes', () => {
    expect(
      riskEventNotification({
        type: 'kill_switch',
        operator: 'alice',
        reason: 'runaway strategy',
        cancelClientOrderIds: ['a', 'b'],
        flatten: [
          { symbol: 'AAPL', qty: parseFixed('3') },
          { symbol: 'MSFT', qty: parseFixed('-2') },
        ],
        atMs: T0,
      }),
    ).toStrictEqual({
      severity: 'P0',
      kind: 'kill_switch',
      title: 'kill switch thrown by alice',
      detail:
        'Reason: runaway strategy. Cancelling 2 working orders; closing AAPL 3, MSFT -2. The breaker is halted until an operator resets it.',
      atMs: T0,
    });
  });

  it.each<RiskEvent>([
    { type: 'session_started', sessionDate: '2026-11-24', atMs: T0 },
    { type: 'broker_state', reconciled: true, reason: 'reconciled', atMs: T0 },
    { type: 'strategy_latched', strategyId: 's', maxFills: 10, windowMs: 1000, atMs: T0 },
  ])('says nothing of $type', (event) => {
    expect(riskEventNotification(event)).toBeNull();
  });
});

describe('Function: leaseLostNotification', () => {
  it('is a P0 with the lease’s reason', () => {
    expect(leaseLostNotification('renewal overdue by 2100 ms', T0)).toStrictEqual({
      severity: 'P0',
      kind: 'lease_lost',
      title: 'engine lease lost: the engine stopped trading',
      detail:
        'renewal overdue by 2100 ms. The engine sends nothing more, cancels its working orders when that is safe, and exits for a fresh engine to take the lease and reconcile.',
      atMs: T0,
    });
  });
});

describe('Function: restartDifferencesNotification', () => {
  it('says nothing when the store agreed with the broker', () => {
    expect(restartDifferencesNotification([], T0)).toBeNull();
  });

  it('lists every differing position in one P1', () => {
    expect(
      restartDifferencesNotification(
        [
          { symbol: 'AAPL', kind: 'qty_differs', storedQty: parseFixed('10'), brokerQty: parseFixed('7') },
          {
            symbol: 'MSFT',
            kind: 'missing_in_store',
            storedQty: parseFixed('0'),
            brokerQty: parseFixed('5'),
          },
        ],
        T0,
      ),
    ).toStrictEqual({
      severity: 'P1',
      kind: 'reconciliation_difference',
      title: 'restart: 2 stored positions differed from the broker',
      detail:
        "AAPL: stored 10, broker 7 (qty_differs)\nMSFT: stored 0, broker 5 (missing_in_store)\nThe broker's figures were taken; find out why the store disagreed (a missed fill, or trades while the engine was down).",
      atMs: T0,
    });
  });
});

describe('Class: FeedOutages', () => {
  it('reports a feed cut off past the threshold once, and once when it is back', () => {
    const outages = new FeedOutages(5_000);

    expect(outages.check([4.9, 0], T0)).toStrictEqual([]);
    const down = outages.check([5, 0], T0 + 100);
    expect(outages.check([6, 0], T0 + 1_100)).toStrictEqual([]);
    const back = outages.check([0, 0], T0 + 40_100);

    expect(down.map(({ kind, severity, title }) => ({ kind, severity, title }))).toStrictEqual([
      { kind: 'feed_down', severity: 'P1', title: 'market data feed0 cut off for 5.0s' },
    ]);
    expect(back.map(({ kind, severity, title, atMs }) => ({ kind, severity, title, atMs }))).toStrictEqual([
      { kind: 'feed_restored', severity: 'P1', title: 'market data feed0 back after 45s', atMs: T0 + 40_100 },
    ]);
  });

  it('tells no one of a reconnect quicker than the threshold', () => {
    const outages = new FeedOutages(5_000);

    expect([...outages.check([0, 3], T0), ...outages.check([0, 0], T0 + 1_000)]).toStrictEqual([]);
  });

  it('numbers feeds as the health check does', () => {
    const outages = new FeedOutages(5_000);

    expect(outages.check([0, 12], T0).map(({ title }) => title)).toStrictEqual([
      'market data feed1 cut off for 12s',
    ]);
  });
});
