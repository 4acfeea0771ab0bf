import { z } from 'zod';
import type { Fill } from '../../domain/fill.ts';
import { ORDER_SIDES } from '../../domain/order.ts';
import { newYorkDate } from '../../time/new-york-time.ts';
import { epochMs, fixedText, fixedToText, header, type ItemKind } from '../item-codec.ts';
import { STATE_KEYS } from '../table-definitions.ts';

/**
 * Fills live in one partition per account and New York calendar day (today's fills are one Query)
 * and are keyed by execution id, so recording the same execution twice writes the same item.
 */
export function fillPartition(account: string, newYorkDay: string): string {
  return `${account}#fill#${newYorkDay}`;
}

const schema = z.object({
  executionId: z.string().min(1),
  orderId: z.string().min(1),
  clientOrderId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(ORDER_SIDES),
  qty: fixedText,
  price: fixedText,
  timestampMs: epochMs,
});

export const FILL_ITEM: ItemKind<Fill> = {
  type: 'fill',
  version: 1,
  schema,
  primaryKey(account, fill) {
    return {
      [STATE_KEYS.partition]: fillPartition(account, newYorkDate(fill.timestampMs)),
      [STATE_KEYS.sort]: fill.executionId,
    };
  },
  encode(account, fill) {
    return {
      ...FILL_ITEM.primaryKey(account, fill),
      ...header(FILL_ITEM),
      executionId: fill.executionId,
      orderId: fill.orderId,
      clientOrderId: fill.clientOrderId,
      symbol: fill.symbol,
      side: fill.side,
      qty: fixedToText(fill.qty),
      price: fixedToText(fill.price),
      timestampMs: fill.timestampMs,
    };
  },
};
