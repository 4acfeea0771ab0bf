/**
 * trade_updates stream messages (docs/alpaca-protocol.md §3), validated by the shared schemas
 * (trading-schemas.ts) and mapped to exact domain values. The order inside is the REST order.
 */
import { z } from 'zod';
import type { VenueOrderEvent } from '../../venue/venue-types.ts';
import { describeIssues, mapOrder, WireConversion } from './trading-client-wire.ts';
import { type AlpacaTradeUpdate, tradingStreamMessageSchema } from './trading-schemas.ts';

function mapTradeUpdate(wire: AlpacaTradeUpdate, conversion: WireConversion): VenueOrderEvent {
  const time = conversion.time(wire.timestamp, 'timestamp');
  const hasExecution = wire.execution_id !== undefined && wire.qty !== undefined && wire.price !== undefined;
  const qty = hasExecution ? conversion.decimal(wire.qty!, 'qty') : null;
  if (qty !== null && qty <= 0n) conversion.issues.push('qty: an execution must have a positive quantity');
  return {
    event: wire.event,
    order: mapOrder(wire.order, conversion, 'order.'),
    timestampMs: time.ms,
    timestampNs: time.ns,
    execution:
      hasExecution && qty !== null
        ? {
            executionId: wire.execution_id!,
            qty,
            price: conversion.decimal(wire.price!, 'price'),
            timestampMs: time.ms,
            positionQty: conversion.optionalDecimal(wire.position_qty, 'position_qty'),
          }
        : null,
  };
}

export type StreamMessage =
  | { readonly stream: 'authorization'; readonly authorized: boolean }
  | { readonly stream: 'listening'; readonly streams: readonly string[] }
  | { readonly stream: 'trade_updates'; readonly update: VenueOrderEvent }
  /** {"action":"error"} has no stream key; the server closes the socket after it. */
  | { readonly stream: null; readonly error: string };

export type StreamMessageResult =
  | { readonly ok: true; readonly message: StreamMessage }
  | { readonly ok: false; readonly issues: readonly string[] };

const serverErrorSchema = z.object({
  action: z.literal('error'),
  data: z.object({ error_message: z.string().optional() }).optional(),
});

/** One parsed JSON frame to a message, or the reasons it is not one. */
export function parseStreamMessage(json: unknown): StreamMessageResult {
  const serverError = serverErrorSchema.safeParse(json);
  if (serverError.success) {
    return {
      ok: true,
      message: { stream: null, error: serverError.data.data?.error_message ?? 'unspecified' },
    };
  }
  const parsed = tradingStreamMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, issues: describeIssues(parsed.error) };
  const wire = parsed.data;
  if (wire.stream === 'authorization') {
    return { ok: true, message: { stream: 'authorization', authorized: wire.data.status === 'authorized' } };
  }
  if (wire.stream === 'listening')
    return { ok: true, message: { stream: 'listening', streams: wire.data.streams } };
  const conversion = new WireConversion();
  const update = mapTradeUpdate(wire.data, conversion);
  if (conversion.issues.length > 0) return { ok: false, issues: conversion.issues };
  return { ok: true, message: { stream: 'trade_updates', update } };
}
