/**
 * trade_updates stream messages (docs/alpaca-protocol.md §3) validated and mapped. The order
 * object inside is the REST order (§2.6), parsed by the same schema as REST answers.
 */
import { z } from 'zod';
import { type Fixed, tryParseFixed } from '../../domain/fixed.ts';
import type { TradeUpdate } from './trade-updates-client-types.ts';
import { orderSchema, parseWireTime } from './trading-client-wire.ts';

const decimalText = z
  .union([z.string(), z.number()])
  .transform((value): Fixed | undefined => tryParseFixed(String(value)))
  .nullish();

export const tradeUpdateDataSchema = z
  .object({
    event: z.string().min(1),
    order: orderSchema,
    timestamp: z.string().optional(),
    execution_id: z.string().nullish(),
    price: decimalText,
    qty: decimalText,
    position_qty: decimalText,
  })
  .transform((wire, ctx): TradeUpdate => {
    // Alpaca does not promise a timestamp on every event; the order's updated_at stands in.
    const time =
      wire.timestamp === undefined
        ? { ms: wire.order.updatedAtMs, ns: wire.order.updatedAtNs }
        : parseWireTime(wire.timestamp);
    if (time === undefined) {
      ctx.addIssue({ code: 'custom', path: ['timestamp'], message: 'not an RFC 3339 time' });
      return z.NEVER;
    }
    const isFill = wire.event === 'fill' || wire.event === 'partial_fill';
    const hasExecution =
      isFill &&
      typeof wire.execution_id === 'string' &&
      wire.qty != null &&
      wire.qty > 0n &&
      wire.price != null;
    if (isFill && !hasExecution) {
      ctx.addIssue({
        code: 'custom',
        path: ['execution_id'],
        message: 'a fill needs execution_id, qty > 0 and price',
      });
      return z.NEVER;
    }
    return {
      event: wire.event,
      order: wire.order,
      timestampMs: time.ms,
      timestampNs: time.ns,
      execution: hasExecution
        ? {
            executionId: wire.execution_id!,
            qty: wire.qty!,
            price: wire.price!,
            timestampMs: time.ms,
            positionQty: wire.position_qty ?? null,
          }
        : null,
    };
  });

export const streamMessageSchema = z.union([
  z.object({ stream: z.string(), data: z.record(z.string(), z.unknown()) }),
  z.object({
    action: z.literal('error'),
    data: z.object({ error_message: z.string() }).partial().optional(),
  }),
]);
