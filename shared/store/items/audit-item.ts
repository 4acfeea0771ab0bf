import { z } from 'zod';
import { epochMs, header, type ItemKind, timeSortKey } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/** One operator action (kill switch, breaker reset, flatten, config change) and what came of it. */
export interface AuditEntry {
  readonly entryId: string;
  readonly atMs: number;
  /** Who acted: an operator's name or a system component; never a credential. */
  readonly actor: string;
  readonly action: string;
  readonly outcome: 'accepted' | 'refused' | 'failed';
  readonly detail: Readonly<Record<string, string>>;
}

/** The audit log never expires; it is the record of what people told the engine to do. */
export function auditPartition(account: string): string {
  return `${account}#audit`;
}

export const AUDIT_ITEM: ItemKind<AuditEntry> = {
  type: 'audit',
  version: 1,
  schema: z.object({
    entryId: z.string().min(1),
    atMs: epochMs,
    actor: z.string().min(1),
    action: z.string().min(1),
    outcome: z.enum(['accepted', 'refused', 'failed']),
    detail: z.record(z.string(), z.string()),
  }),
  primaryKey(account, entry) {
    return {
      [STATE_KEYS.partition]: auditPartition(account),
      [STATE_KEYS.sort]: timeSortKey(entry.atMs, entry.entryId),
    };
  },
  encode(account, entry) {
    return {
      ...AUDIT_ITEM.primaryKey(account, entry),
      ...header(AUDIT_ITEM),
      entryId: entry.entryId,
      atMs: entry.atMs,
      actor: entry.actor,
      action: entry.action,
      outcome: entry.outcome,
      detail: entry.detail,
    };
  },
};
