/**
 * The bars-queue body: a symbol's newest closed minute bar with the closed bars before it, oldest
 * first. The window travels with the message so the signal function keeps no state: a
 * redelivered message computes the same signal.
 */
import { z } from 'zod';
import type { Bar } from '../domain/market-data.ts';
import { type BodyParse, parseQueueBody } from './queue-body.ts';

export const BAR_WINDOW_MESSAGE_VERSION = 1;

const price = z.number().positive().finite();

const barSchema = z
  .strictObject({
    startUs: z.number().int().nonnegative(),
    open: price,
    high: price,
    low: price,
    close: price,
    volume: z.number().nonnegative().finite(),
    tradeCount: z.number().int().nonnegative(),
    vwap: z.number().nonnegative().finite(),
  })
  .superRefine((bar, ctx) => {
    if (bar.high < bar.low) ctx.addIssue({ code: 'custom', message: 'high must be at least low' });
    if (bar.open > bar.high || bar.open < bar.low)
      ctx.addIssue({ code: 'custom', message: 'open must lie between low and high' });
    if (bar.close > bar.high || bar.close < bar.low)
      ctx.addIssue({ code: 'custom', message: 'close must lie between low and high' });
  });

export const barWindowMessageSchema = z
  .strictObject({
    version: z.literal(BAR_WINDOW_MESSAGE_VERSION),
    symbol: z.string().min(1),
    publishedAtMs: z.number().int().nonnegative(),
    bars: z.array(barSchema).min(1, 'must hold at least the closed bar'),
  })
  .superRefine((message, ctx) => {
    for (let i = 1; i < message.bars.length; i++) {
      if (message.bars[i]!.startUs <= message.bars[i - 1]!.startUs)
        ctx.addIssue({
          code: 'custom',
          path: ['bars', i, 'startUs'],
          message: 'bars must be in ascending startUs',
        });
    }
  });

export type BarWindowMessage = z.infer<typeof barWindowMessageSchema>;
export type WindowBar = BarWindowMessage['bars'][number];

const WINDOW_BAR_FIELDS = [
  'startUs',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'tradeCount',
  'vwap',
] as const satisfies readonly (keyof WindowBar & keyof Bar)[];

export function parseBarWindowMessage(body: string): BodyParse<BarWindowMessage> {
  return parseQueueBody(barWindowMessageSchema, body);
}

/** The message for `bars` (one symbol's closed minute bars, oldest first). */
export function barWindowMessage(
  symbol: string,
  bars: readonly Bar[],
  publishedAtMs: number,
): BarWindowMessage {
  return {
    version: BAR_WINDOW_MESSAGE_VERSION,
    symbol,
    publishedAtMs,
    // Only a window bar's fields: the engine's bars are feed messages carrying more than a Bar
    // (their type), and the symbol and kind are the message's, not each bar's.
    bars: bars.map(
      (bar) => Object.fromEntries(WINDOW_BAR_FIELDS.map((field) => [field, bar[field]])) as WindowBar,
    ),
  };
}

/** The window's bars as the domain's minute bars. */
export function windowBars(message: BarWindowMessage): Bar[] {
  return message.bars.map((bar) => ({ ...bar, symbol: message.symbol, kind: 'minute' }));
}
