import { z } from 'zod';
import type { Position } from '../../domain/position.ts';
import { epochMs, fixedText, fixedToText, header, type ItemKind } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/** The latest known position per symbol; a flat position is kept (qty 0) so a restart knows it is flat. */
export interface PositionSnapshot extends Position {
  readonly asOfMs: number;
}

export function positionPartition(account: string): string {
  return `${account}#position`;
}

const schema = z.object({
  symbol: z.string().min(1),
  assetClass: z.enum(['us_equity', 'crypto']),
  qty: fixedText,
  avgEntryPrice: fixedText,
  realizedPnl: fixedText,
  asOfMs: epochMs,
});

export const POSITION_ITEM: ItemKind<PositionSnapshot> = {
  type: 'position',
  version: 1,
  schema,
  primaryKey(account, position) {
    return {
      [STATE_KEYS.partition]: positionPartition(account),
      [STATE_KEYS.sort]: position.symbol,
    };
  },
  encode(account, position) {
    return {
      ...POSITION_ITEM.primaryKey(account, position),
      ...header(POSITION_ITEM),
      symbol: position.symbol,
      assetClass: position.assetClass,
      qty: fixedToText(position.qty),
      avgEntryPrice: fixedToText(position.avgEntryPrice),
      realizedPnl: fixedToText(position.realizedPnl),
      asOfMs: position.asOfMs,
    };
  },
};
