/**
 * Which engine events are worth a person's attention, and how urgently: pure mappings from an
 * event to a notification (without the account and environment the notifier adds), or null for
 * the events that are only logged and recorded.
 */
import { formatFixed } from '../../shared/domain/fixed.ts';
import type { PositionDifference } from '../persistence/restart-position-check.ts';
import type { RiskEvent } from '../risk/risk-events.ts';
import type { Notification } from './notification.ts';

export type NotificationDraft = Pick<Notification, 'severity' | 'kind' | 'title' | 'detail' | 'atMs'>;

export function riskEventNotification(event: RiskEvent): NotificationDraft | null {
  switch (event.type) {
    case 'breaker_transition': {
      // The kill switch's own event says more (what it cancels and closes); a reset or a cooldown
      // that ends is no trip.
      if (event.reason === 'kill_switch' || event.reason === 'operator_reset' || event.to === 'normal')
        return null;
      const by = event.operator === null ? '' : ` by ${event.operator}`;
      return {
        severity: event.to === 'halted' ? 'P0' : 'P1',
        kind: 'breaker_tripped',
        title: `circuit breaker ${event.to} (${event.reason})${by}`,
        detail: `${event.from} → ${event.to}: ${event.detail}. ${
          event.to === 'halted'
            ? 'Only exits reach the broker until an operator resets the breaker.'
            : 'New exposure is refused; orders that reduce still pass.'
        }`,
        atMs: event.atMs,
      };
    }
    case 'loss_warning':
      return {
        severity: 'P1',
        kind: 'loss_threshold',
        title: `daily loss at ${event.levelPct} % of the limit`,
        detail: `Daily P&L ${event.dailyPnlUsd.toFixed(2)} USD against a daily loss limit of ${event.limitUsd.toFixed(2)} USD; the breaker trips at the limit.`,
        atMs: event.atMs,
      };
    case 'kill_switch': {
      const closing = event.flatten.map(({ symbol, qty }) => `${symbol} ${formatFixed(qty)}`);
      return {
        severity: 'P0',
        kind: 'kill_switch',
        title: `kill switch thrown by ${event.operator}`,
        detail: `Reason: ${event.reason}. Cancelling ${event.cancelClientOrderIds.length} working orders; closing ${
          closing.length === 0 ? 'no positions' : closing.join(', ')
        }. The breaker is halted until an operator resets it.`,
        atMs: event.atMs,
      };
    }
    default:
      return null;
  }
}

export function leaseLostNotification(reason: string, atMs: number): NotificationDraft {
  return {
    severity: 'P0',
    kind: 'lease_lost',
    title: 'engine lease lost: the engine stopped trading',
    detail: `${reason}. The engine sends nothing more, cancels its working orders when that is safe, and exits for a fresh engine to take the lease and reconcile.`,
    atMs,
  };
}

/** The restart's position check (restart-position-check.ts): null when the store agreed. */
export function restartDifferencesNotification(
  differences: readonly PositionDifference[],
  atMs: number,
): NotificationDraft | null {
  if (differences.length === 0) return null;
  const lines = differences.map(
    ({ symbol, kind, storedQty, brokerQty }) =>
      `${symbol}: stored ${formatFixed(storedQty)}, broker ${formatFixed(brokerQty)} (${kind})`,
  );
  return {
    severity: 'P1',
    kind: 'reconciliation_difference',
    title: `restart: ${differences.length} stored position${differences.length === 1 ? '' : 's'} differed from the broker`,
    detail: `${lines.join('\n')}\nThe broker's figures were taken; find out why the store disagreed (a missed fill, or trades while the engine was down).`,
    atMs,
  };
}
