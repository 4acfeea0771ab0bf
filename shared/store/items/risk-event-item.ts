import { z } from 'zod';
import { newYorkDate } from '../../time/new-york-time.ts';
import { epochMs, header, type ItemKind, timeSortKey } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/** A risk decision worth keeping: a denial, a limit breach, a kill switch. */
export interface RiskEventRecord {
  readonly eventId: string;
  readonly atMs: number;
  /** The risk engine's event name, e.g. order_denied. */
  readonly kind: string;
  /** The reason code carried by the denial value. */
  readonly reasonCode: string;
  readonly symbol: string | null;
  readonly intentId: string | null;
  readonly detail: Readonly<Record<string, string>>;
}

/** Risk events are numerous (every denial); they expire after this long. */
export const RISK_EVENT_RETENTION_DAYS = 400;

export function riskEventPartition(account: string, newYorkDay: string): string {
  return `${account}#risk#${newYorkDay}`;
}

export const RISK_EVENT_ITEM: ItemKind<RiskEventRecord> = {
  type: 'risk_event',
  version: 1,
  schema: z.object({
    eventId: z.string().min(1),
    atMs: epochMs,
    kind: z.string().min(1),
    reasonCode: z.string().min(1),
    symbol: z.string().nullable(),
    intentId: z.string().nullable(),
    detail: z.record(z.string(), z.string()),
  }),
  primaryKey(account, event) {
    return {
      [STATE_KEYS.partition]: riskEventPartition(account, newYorkDate(event.atMs)),
      [STATE_KEYS.sort]: timeSortKey(event.atMs, event.eventId),
    };
  },
  encode(account, event) {
    return {
      ...RISK_EVENT_ITEM.primaryKey(account, event),
      [STATE_KEYS.timeToLive]: Math.floor(event.atMs / 1000) + RISK_EVENT_RETENTION_DAYS * 86_400,
      ...header(RISK_EVENT_ITEM),
      eventId: event.eventId,
      atMs: event.atMs,
      kind: event.kind,
      reasonCode: event.reasonCode,
      symbol: event.symbol,
      intentId: event.intentId,
      detail: event.detail,
    };
  },
};
