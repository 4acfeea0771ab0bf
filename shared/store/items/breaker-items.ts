import { z } from 'zod';
import { epochMs, header, type ItemKind, timeSortKey } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/**
 * The circuit breaker's current state and its history share one partition: the state item under a
 * fixed sort key, transitions under time-ordered ones. State names belong to the risk engine, so
 * they are stored as text.
 */
export interface BreakerState {
  readonly state: string;
  readonly reason: string;
  readonly sinceMs: number;
  readonly updatedAtMs: number;
}

export interface BreakerTransition {
  readonly transitionId: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly atMs: number;
}

export const BREAKER_STATE_SORT_KEY = 'state';
export const BREAKER_TRANSITION_PREFIX = 'transition#';

export function breakerPartition(account: string): string {
  return `${account}#breaker`;
}

const stateName = z.string().min(1).max(64);

export const BREAKER_STATE_ITEM: ItemKind<BreakerState> = {
  type: 'breaker_state',
  version: 1,
  schema: z.object({ state: stateName, reason: z.string(), sinceMs: epochMs, updatedAtMs: epochMs }),
  encode(account, breaker) {
    return {
      [STATE_KEYS.partition]: breakerPartition(account),
      [STATE_KEYS.sort]: BREAKER_STATE_SORT_KEY,
      ...header(BREAKER_STATE_ITEM),
      state: breaker.state,
      reason: breaker.reason,
      sinceMs: breaker.sinceMs,
      updatedAtMs: breaker.updatedAtMs,
    };
  },
};

export const BREAKER_TRANSITION_ITEM: ItemKind<BreakerTransition> = {
  type: 'breaker_transition',
  version: 1,
  schema: z.object({
    transitionId: z.string().min(1),
    from: stateName,
    to: stateName,
    reason: z.string(),
    atMs: epochMs,
  }),
  encode(account, transition) {
    return {
      [STATE_KEYS.partition]: breakerPartition(account),
      [STATE_KEYS.sort]: `${BREAKER_TRANSITION_PREFIX}${timeSortKey(transition.atMs, transition.transitionId)}`,
      ...header(BREAKER_TRANSITION_ITEM),
      transitionId: transition.transitionId,
      from: transition.from,
      to: transition.to,
      reason: transition.reason,
      atMs: transition.atMs,
    };
  },
};
