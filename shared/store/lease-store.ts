/**
 * The engine lease's storage operations for one account. Every change is a conditional write, so two
 * contenders can never both believe they acquired it: the loser's condition fails.
 */
import type { ItemProblem } from './item-codec.ts';
import type { LeaseRecord } from './items/lease-item.ts';
import type { ItemRead } from './store.ts';

export interface LeaseRequest {
  readonly holderId: string;
  readonly nowMs: number;
  readonly ttlMs: number;
}

export interface LeaseHolding {
  readonly holderId: string;
  readonly fencingToken: number;
}

export type LeaseAcquisition =
  | { readonly ok: true; readonly lease: LeaseRecord }
  /** Someone else holds it and it has not expired. */
  | { readonly ok: false; readonly reason: 'held'; readonly holder: LeaseRecord }
  /** Another contender changed the lease between our read and our write. */
  | { readonly ok: false; readonly reason: 'contended' }
  | { readonly ok: false; readonly reason: 'unreadable'; readonly problem: ItemProblem };

export type LeaseRenewal =
  | { readonly ok: true; readonly lease: LeaseRecord }
  /** The lease is no longer ours: taken over, released, or gone. `current` says what is there now. */
  | { readonly ok: false; readonly reason: 'lost'; readonly current: ItemRead<LeaseRecord> };

export type LeaseRelease = { readonly ok: true } | { readonly ok: false; readonly reason: 'not_holder' };

export interface LeaseStore {
  readonly account: string;
  read(): Promise<ItemRead<LeaseRecord>>;
  acquire(request: LeaseRequest): Promise<LeaseAcquisition>;
  renew(holding: LeaseHolding, request: Omit<LeaseRequest, 'holderId'>): Promise<LeaseRenewal>;
  release(holding: LeaseHolding, nowMs: number, reason: string): Promise<LeaseRelease>;
}

export type LeaseCondition = 'held' | 'released' | 'lapsed';

/** A held lease past its expiry was not released cleanly: its holder died or hangs. */
export function leaseConditionAt(lease: LeaseRecord, nowMs: number): LeaseCondition {
  if (lease.status === 'released') return 'released';
  return nowMs < lease.expiresAtMs ? 'held' : 'lapsed';
}

export function describeLease(lease: LeaseRecord): string {
  return `holder ${lease.holderId} with fencing token ${lease.fencingToken}, ${lease.status}, expires at ${new Date(lease.expiresAtMs).toISOString()}`;
}
