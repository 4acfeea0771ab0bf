import { z } from 'zod';
import { epochMs, header, type ItemKind, timeSortKey } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/**
 * The circuit breaker's current state and its history share one partition: the state item under a
 * fixed sort key, transitions under time-ordered ones. State names belong to the risk engine, so
 * they are stored as text.
 */
export interface BreakerStateRecord {
  readonly state: string;
  readonly reason: string;
  readonly sinceMs: number;
  readonly updatedAtMs: number;
}

/** Mirrors the risk engine's breaker_transition event (engine/risk/risk-events.ts). */
export interface BreakerTransitionRecord {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly detail: string;
  /** Who did it, for operator actions; null for automatic ones. */
  readonly operator: string | null;
  readonly atMs: number;
}

export const BREAKER_STATE_SORT_KEY = 'state';
export const BREAKER_TRANSITION_PREFIX = 'transition#';

export function breakerPartition(account: string): string {
  return `${account}#breaker`;
}

const stateName = z.string().min(1).max(64);

export const BREAKER_STATE_ITEM: ItemKind<BreakerStateRecord> = {
  type: 'breaker_state',
  version: 1,
  schema: z.object({ state: stateName, reason: z.string(), sinceMs: epochMs, updatedAtMs: epochMs }),
  primaryKey(account) {
    return {
      [STATE_KEYS.partition]: breakerPartition(account),
      [STATE_KEYS.sort]: BREAKER_STATE_SORT_KEY,
    };
  },
  encode(account, breaker) {
    return {
      ...BREAKER_STATE_ITEM.primaryKey(account, breaker),
      ...header(BREAKER_STATE_ITEM),
      state: breaker.state,
      reason: breaker.reason,
      sinceMs: breaker.sinceMs,
      updatedAtMs: breaker.updatedAtMs,
    };
  },
};

export const BREAKER_TRANSITION_ITEM: ItemKind<BreakerTransitionRecord> = {
  type: 'breaker_transition',
  version: 1,
  schema: z.object({
    from: stateName,
    to: stateName,
    reason: z.string(),
    detail: z.string(),
    operator: z.string().min(1).nullable(),
    atMs: epochMs,
  }),
  primaryKey(account, transition) {
    return {
      [STATE_KEYS.partition]: breakerPartition(account),
      // A breaker cannot make the same move twice in one millisecond, so time and move identify it.
      [STATE_KEYS.sort]: `${BREAKER_TRANSITION_PREFIX}${timeSortKey(transition.atMs, `${transition.from}>${transition.to}`)}`,
    };
  },
  encode(account, transition) {
    return {
      ...BREAKER_TRANSITION_ITEM.primaryKey(account, transition),
      ...header(BREAKER_TRANSITION_ITEM),
      from: transition.from,
      to: transition.to,
      reason: transition.reason,
      detail: transition.detail,
      operator: transition.operator,
      atMs: transition.atMs,
    };
  },
};
