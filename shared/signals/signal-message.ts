/**
 * The signals-queue body: one signal from a generator (the signal Lambda) for the engine. Writer
 * and reader both parse with this schema, so a body either side accepts is one both understand.
 */
import { z } from 'zod';
import { type BodyParse, parseQueueBody } from './queue-body.ts';

export const SIGNAL_MESSAGE_VERSION = 1;

const finiteNonNegativeInt = z.number().int().nonnegative();
const unitInterval = z.number().min(0).max(1);

export const signalMessageSchema = z.strictObject({
  version: z.literal(SIGNAL_MESSAGE_VERSION),
  /** strategyId:symbol:barStartUs, so a recomputed signal carries the same id and is handled once. */
  signalId: z.string().min(1),
  strategyId: z.string().min(1),
  symbol: z.string().min(1),
  /** Start of the closed bar the signal was computed on (epoch microseconds). */
  barStartUs: finiteNonNegativeInt,
  generatedAtMs: finiteNonNegativeInt,
  direction: z.enum(['long', 'short', 'flat']),
  strength: unitInterval,
  confidence: unitInterval,
  referencePrice: z.number().positive().finite(),
  modelVersion: z.string().min(1),
});

export type Signal = z.infer<typeof signalMessageSchema>;
export type SignalDirection = Signal['direction'];

export function signalId(strategyId: string, symbol: string, barStartUs: number): string {
  return `${strategyId}:${symbol}:${barStartUs}`;
}

/** Parses a queue body: JSON, then the schema; the id must also be the one its fields make. */
export function parseSignalMessage(body: string): BodyParse<Signal> {
  const parsed = parseQueueBody(signalMessageSchema, body);
  if (!parsed.ok) return parsed;
  const { strategyId, symbol, barStartUs } = parsed.value;
  const expected = signalId(strategyId, symbol, barStartUs);
  if (parsed.value.signalId === expected) return parsed;
  return {
    ok: false,
    reason: `signalId: must be ${JSON.stringify(expected)} (strategyId:symbol:barStartUs)`,
  };
}
