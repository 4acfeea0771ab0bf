import { z } from 'zod';
import { epochMs, header, type ItemKind } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/**
 * Remembers a request that must happen at most once (an operator command, a reconciliation
 * adoption) so a retry returns the first outcome instead of acting again.
 */
export interface IdempotencyRecord {
  readonly key: string;
  readonly status: 'in_progress' | 'completed';
  /** A digest of the request, so the same key with a different request is detected. */
  readonly fingerprint: string;
  /** The outcome as JSON text, once completed. */
  readonly result: string | null;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
}

export function idempotencyPartition(account: string): string {
  return `${account}#idempotency`;
}

export const IDEMPOTENCY_ITEM: ItemKind<IdempotencyRecord> = {
  type: 'idempotency',
  version: 1,
  schema: z.object({
    key: z.string().min(1),
    status: z.enum(['in_progress', 'completed']),
    fingerprint: z.string(),
    result: z.string().nullable(),
    createdAtMs: epochMs,
    expiresAtMs: epochMs,
  }),
  primaryKey(account, record) {
    return {
      [STATE_KEYS.partition]: idempotencyPartition(account),
      [STATE_KEYS.sort]: record.key,
    };
  },
  encode(account, record) {
    return {
      ...IDEMPOTENCY_ITEM.primaryKey(account, record),
      [STATE_KEYS.timeToLive]: Math.ceil(record.expiresAtMs / 1000),
      ...header(IDEMPOTENCY_ITEM),
      key: record.key,
      status: record.status,
      fingerprint: record.fingerprint,
      result: record.result,
      createdAtMs: record.createdAtMs,
      expiresAtMs: record.expiresAtMs,
    };
  },
};
