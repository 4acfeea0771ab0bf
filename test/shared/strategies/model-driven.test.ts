/**
 * The model-driven strategy on series whose trades are known in advance (the return model: up
 * 0.4 % → long at full strength, down 0.4 % → short, which without shorting means flat), in both
 * of its places: scoring bars itself, and trading the signals the signal function sends.
 */
import { describe, expect, it } from 'vitest';
import { formatFixed, parseFixed } from '../../../shared/domain/fixed.ts';
import type { Bar } from '../../../shared/domain/market-data.ts';
import { ModelSignalGenerator } from '../../../shared/signals/model-signal-generator.ts';
import { ModelDriven, type ModelDrivenOptions } from '../../../shared/strategies/model-driven.ts';
import { minuteBar } from '../../support/minute-bars.ts';
import { recordingContext } from '../../support/recording-context.ts';
import { returnModel } from '../../support/return-model.ts';

const SYMBOL = 'AAPL';

function strategy(runsIn: ModelDrivenOptions['runsIn'], overrides: Partial<ModelDrivenOptions> = {}) {
  return new ModelDriven({
    id: 'model',
    symbols: [SYMBOL],
    model: returnModel(),
    runsIn,
    maxPositionNotional: parseFixed('1000'),
    minConfidence: 0,
    rebalanceFraction: 0.25,
    allowShort: false,
    ...overrides,
  });
}

function bars(closes: readonly number[]): Bar[] {
  return closes.map((close, minute) => minuteBar(SYMBOL, 1_000 + minute, close));
}

const trades = (context: ReturnType<typeof recordingContext>) =>
  context.intents.map((intent) => [intent.side, formatFixed(intent.qty), intent.purpose, intent.intentId]);

describe('ModelDriven', () => {
  it('in the engine: buys when the model says long and sells when it turns', () => {
    const model = strategy('engine');
    const context = recordingContext();
    // 100 → 100.4 is +0.4 %: long, 1000 dollars buy 9 shares. Rises keep it; the fall exits.
    for (const bar of bars([100, 100.4, 100.8, 101.2, 100.8])) model.onBar!(bar, context);
    expect(trades(context)).toStrictEqual([
      ['buy', '9', 'entry', `model:${SYMBOL}:${1_001 * 60_000_000}:buy`],
      ['sell', '9', 'exit', `model:${SYMBOL}:${1_004 * 60_000_000}:sell`],
    ]);
    expect(model.onSignal).toBeUndefined();
  });

  it('in the engine: an updated bar rescores the minute, a replayed one is skipped', () => {
    const model = strategy('engine');
    const context = recordingContext();
    const [first, second] = bars([100, 100]);
    model.onBar!(first!, context);
    model.onBar!(second!, context);
    model.onBar!(second!, context);
    expect(context.intents).toHaveLength(0);
    // A late trade lifts the second minute's close by 0.4 %: now the model says long.
    model.onBar!({ ...second!, kind: 'updated', close: 100.4 }, context);
    expect(trades(context)).toStrictEqual([
      ['buy', '9', 'entry', `model:${SYMBOL}:${1_001 * 60_000_000}:buy`],
    ]);
  });

  it('from the signal function: trades the signals the generator makes of the same bars', () => {
    const model = strategy('signal-function');
    const generator = new ModelSignalGenerator('model', [SYMBOL], returnModel());
    const context = recordingContext();
    const series = bars([100, 100.4, 100.8, 101.2, 100.8]);
    for (let end = 1; end <= series.length; end++) {
      const signal = generator.generate(SYMBOL, series.slice(0, end), 1_800_000_000_000);
      if (signal !== null) model.onSignal!(signal, context);
    }
    expect(trades(context)).toStrictEqual([
      ['buy', '9', 'entry', `model:${SYMBOL}:${1_001 * 60_000_000}:buy`],
      ['sell', '9', 'exit', `model:${SYMBOL}:${1_004 * 60_000_000}:sell`],
    ]);
    expect(model.onBar).toBeUndefined();
  });

  it('does not trade a signal below the confidence it asks for', () => {
    const model = strategy('engine', { minConfidence: 0.99 });
    const context = recordingContext();
    for (const bar of bars([100, 100.4])) model.onBar!(bar, context);
    expect(context.intents).toHaveLength(0);
  });

  it('with shorting allowed: closes the long, then opens the short on the next signal', () => {
    const model = strategy('engine', { allowShort: true });
    const context = recordingContext();
    for (const bar of bars([100, 100.4, 100, 99.6])) model.onBar!(bar, context);
    expect(trades(context).map(([side, qty, purpose]) => [side, qty, purpose])).toStrictEqual([
      ['buy', '9', 'entry'],
      ['sell', '9', 'exit'],
      ['sell', '10', 'entry'],
    ]);
    expect(formatFixed(context.held.get(SYMBOL)!)).toBe('-10');
  });

  it('does not buy again while the position it wants is held or working', () => {
    const model = strategy('engine');
    const context = recordingContext();
    for (const bar of bars([100, 100.4, 100.8, 101.2])) model.onBar!(bar, context);
    expect(context.intents).toHaveLength(1);
  });
});
