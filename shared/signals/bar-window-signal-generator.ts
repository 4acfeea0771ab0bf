/**
 * What the signal function runs: pure code that turns a symbol's window of closed minute bars
 * into at most one signal. No I/O, so a redelivered window yields the same signal.
 */
import type { Bar } from '../domain/market-data.ts';
import type { Signal } from './signal-message.ts';

export interface BarWindowSignalGenerator {
  /** The strategy (in the engine) that trades on this generator's signals. */
  readonly strategyId: string;
  readonly symbols: readonly string[];
  /** Closed bars the generator needs, the newest included; it is handed at most this many. */
  readonly windowBars: number;
  /** `bars` oldest first, the last one the bar just closed; null when there is nothing to say. */
  generate(symbol: string, bars: readonly Bar[], nowMs: number): Signal | null;
}
