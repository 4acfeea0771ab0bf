/**
 * The function's pure core: one bar window → the signals of every generator that trades its
 * symbol, each handed at most the bars it asked for. A generator that throws fails the whole
 * window, so the message is retried (and reaches the dead-letter queue if it keeps failing)
 * rather than publishing some of its signals.
 */

import { type BarWindowMessage, windowBars } from '../../shared/signals/bar-window-message.ts';
import type { BarWindowSignalGenerator } from '../../shared/signals/bar-window-signal-generator.ts';
import { parseSignalMessage, type Signal } from '../../shared/signals/signal-message.ts';

export class GeneratorError extends Error {
  override readonly name = 'GeneratorError';
  readonly strategyId: string;
  readonly symbol: string;

  constructor(strategyId: string, symbol: string, message: string, options?: ErrorOptions) {
    super(`generator of ${strategyId} on ${symbol}: ${message}`, options);
    this.strategyId = strategyId;
    this.symbol = symbol;
  }
}

export function computeSignals(
  message: BarWindowMessage,
  generators: readonly BarWindowSignalGenerator[],
  nowMs: number,
): Signal[] {
  const bars = windowBars(message);
  const closed = bars.at(-1)!;
  const signals: Signal[] = [];
  for (const generator of generators) {
    if (!generator.symbols.includes(message.symbol)) continue;
    let signal: Signal | null;
    try {
      signal = generator.generate(message.symbol, bars.slice(-generator.windowBars), nowMs);
    } catch (error) {
      throw new GeneratorError(generator.strategyId, message.symbol, 'threw', { cause: error });
    }
    if (signal === null) continue;
    // What the engine would refuse is refused here too, where the bug is.
    const checked = parseSignalMessage(JSON.stringify(signal));
    if (!checked.ok) throw new GeneratorError(generator.strategyId, message.symbol, checked.reason);
    if (
      signal.strategyId !== generator.strategyId ||
      signal.symbol !== message.symbol ||
      signal.barStartUs !== closed.startUs
    )
      throw new GeneratorError(
        generator.strategyId,
        message.symbol,
        'signal is not for the window it was given',
      );
    signals.push(signal);
  }
  return signals;
}
