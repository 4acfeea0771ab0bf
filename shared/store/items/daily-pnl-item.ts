import { z } from 'zod';
import type { Fixed } from '../../domain/fixed.ts';
import { epochMs, fixedText, fixedToText, header, type ItemKind } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

export interface DailyPnl {
  /** New York trading date, YYYY-MM-DD. */
  readonly date: string;
  readonly realizedPnl: Fixed;
  readonly unrealizedPnl: Fixed;
  readonly updatedAtMs: number;
}

export function dailyPnlPartition(account: string): string {
  return `${account}#pnl`;
}

const schema = z.object({
  date: z.iso.date(),
  realizedPnl: fixedText,
  unrealizedPnl: fixedText,
  updatedAtMs: epochMs,
});

export const DAILY_PNL_ITEM: ItemKind<DailyPnl> = {
  type: 'daily_pnl',
  version: 1,
  schema,
  primaryKey(account, pnl) {
    return {
      [STATE_KEYS.partition]: dailyPnlPartition(account),
      [STATE_KEYS.sort]: pnl.date,
    };
  },
  encode(account, pnl) {
    return {
      ...DAILY_PNL_ITEM.primaryKey(account, pnl),
      ...header(DAILY_PNL_ITEM),
      date: pnl.date,
      realizedPnl: fixedToText(pnl.realizedPnl),
      unrealizedPnl: fixedToText(pnl.unrealizedPnl),
      updatedAtMs: pnl.updatedAtMs,
    };
  },
};
