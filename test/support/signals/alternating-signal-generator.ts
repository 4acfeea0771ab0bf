/**
 * Test double of a signal generator: deterministic and trivial, so tests check the plumbing, not
 * a model. Each closed bar gives a signal whose direction alternates with the bar's minute
 * (long on even minutes, short on odd), so a test knows in advance what every bar yields.
 */
import type { Bar } from '../../../shared/domain/market-data.ts';
import type { BarWindowSignalGenerator } from '../../../shared/signals/bar-window-signal-generator.ts';
import { SIGNAL_MESSAGE_VERSION, type Signal, signalId } from '../../../shared/signals/signal-message.ts';

export const TEST_MODEL_VERSION = 'alternating-test-double-1';

export function expectedDirection(barStartUs: number): Signal['direction'] {
  return Math.floor(barStartUs / 60_000_000) % 2 === 0 ? 'long' : 'short';
}

export function alternatingSignalGenerator(options: {
  strategyId: string;
  symbols: readonly string[];
  windowBars?: number;
  /** Symbols whose window makes the generator throw (a bug in one record's computation). */
  failOn?: readonly string[];
}): BarWindowSignalGenerator & { readonly calls: { symbol: string; bars: number }[] } {
  const calls: { symbol: string; bars: number }[] = [];
  return {
    strategyId: options.strategyId,
    symbols: options.symbols,
    windowBars: options.windowBars ?? 3,
    calls,
    generate(symbol: string, bars: readonly Bar[], nowMs: number): Signal | null {
      calls.push({ symbol, bars: bars.length });
      if (options.failOn?.includes(symbol)) throw new Error(`test generator refuses ${symbol}`);
      const bar = bars.at(-1);
      if (bar === undefined) return null;
      return {
        version: SIGNAL_MESSAGE_VERSION,
        signalId: signalId(options.strategyId, symbol, bar.startUs),
        strategyId: options.strategyId,
        symbol,
        barStartUs: bar.startUs,
        generatedAtMs: nowMs,
        direction: expectedDirection(bar.startUs),
        strength: 1,
        confidence: 1,
        referencePrice: bar.close,
        modelVersion: TEST_MODEL_VERSION,
      };
    },
  };
}
