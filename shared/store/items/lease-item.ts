import { z } from 'zod';
import { epochMs, header, type ItemKind } from '../item-codec.ts';
import { LEASE_KEYS } from '../table-definitions.ts';

/**
 * The one-engine-per-account lease. `fencingToken` increases by one on every acquisition, so an
 * order stamped with an old token is recognisably from a holder that has since lost the lease.
 * `status` tells a clean stop (released) from a lapse (still held, past expiresAtMs).
 */
export interface LeaseRecord {
  readonly account: string;
  readonly holderId: string;
  readonly fencingToken: number;
  readonly status: 'held' | 'released';
  readonly acquiredAtMs: number;
  readonly renewedAtMs: number;
  readonly expiresAtMs: number;
  readonly releasedAtMs: number | null;
  readonly releaseReason: string | null;
}

export const LEASE_ITEM: ItemKind<LeaseRecord> = {
  type: 'lease',
  version: 1,
  schema: z.object({
    account: z.string().min(1),
    holderId: z.string().min(1),
    fencingToken: z.number().int().positive(),
    status: z.enum(['held', 'released']),
    acquiredAtMs: epochMs,
    renewedAtMs: epochMs,
    expiresAtMs: epochMs,
    releasedAtMs: epochMs.nullable(),
    releaseReason: z.string().nullable(),
  }),
  primaryKey(account) {
    return {
      [LEASE_KEYS.partition]: account,
    };
  },
  encode(account, lease) {
    return {
      ...LEASE_ITEM.primaryKey(account, lease),
      ...header(LEASE_ITEM),
      account: lease.account,
      holderId: lease.holderId,
      fencingToken: lease.fencingToken,
      status: lease.status,
      acquiredAtMs: lease.acquiredAtMs,
      renewedAtMs: lease.renewedAtMs,
      expiresAtMs: lease.expiresAtMs,
      releasedAtMs: lease.releasedAtMs,
      releaseReason: lease.releaseReason,
    };
  },
};
