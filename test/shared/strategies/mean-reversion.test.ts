import { describe, expect, it } from 'vitest';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { MeanReversion, type MeanReversionOptions } from '../../../shared/strategies/mean-reversion.ts';
import { MINUTE_US, minuteBar } from '../../support/minute-bars.ts';
import { recordingContext } from '../../support/recording-context.ts';

function strategy(overrides: Partial<MeanReversionOptions> = {}) {
  return new MeanReversion({
    id: 'revert',
    symbols: ['AAPL'],
    bandPeriod: 5,
    bandWidth: 1,
    rsiPeriod: 2,
    oversold: 30,
    entryNotional: parseFixed('1000'),
    ...overrides,
  });
}

/**
 * Flat at 100, a wobble, then a drop to 95 at minute 9: the last five closes (100, 101, 100, 101,
 * 95) average 99.4 with a deviation of √5.04 ≈ 2.245, so the lower band (1 deviation) is ≈ 97.16
 * and 95 is below it; Wilder's RSI(2) has average gain 0.156 and loss 2.81 there, RSI ≈ 5.3 < 30.
 */
const DROP = [100, 100, 100, 100, 100, 101, 100, 101, 100, 95];

function run(closes: readonly number[], context = recordingContext(), revert = strategy()) {
  closes.forEach((close, minute) => {
    revert.onBar(minuteBar('AAPL', minute, close), context);
  });
  return context;
}

const summary = (context: ReturnType<typeof recordingContext>) =>
  context.intents.map((intent) => [intent.side, intent.qty, intent.purpose, intent.intentId]);

describe('Class: MeanReversion', () => {
  it('buys below the lower band while oversold, and sells when a close reaches the middle band', () => {
    // Middle bands after the entry: minute 10 (96) 98.6, minute 11 (97) 97.8, minute 12 (98) 97.4.
    const context = run([...DROP, 96, 97, 98]);
    expect(summary(context)).toStrictEqual([
      ['buy', parseFixed('10'), 'entry', `revert:AAPL:${9 * MINUTE_US}:buy`],
      ['sell', parseFixed('10'), 'exit', `revert:AAPL:${12 * MINUTE_US}:sell`],
    ]);
    expect(context.intents[0]).toMatchObject({ type: 'market', referencePrice: parseFixed('95') });
  });

  it('does not buy on a drop below the band while the RSI is not oversold', () => {
    // Twenty closes climbing by 1 to 119, then 114: the last five average 116.8 with a deviation of
    // √2.96 ≈ 1.72, so 114 is below the lower band (≈ 115.08); but Wilder's RSI(14) is
    // 100 − 100 / (1 + (13/14) / (5/14)) ≈ 72, not oversold at 30 (and oversold at 80).
    const closes = [...Array.from({ length: 20 }, (_, i) => 100 + i), 114];
    expect(run(closes, recordingContext(), strategy({ rsiPeriod: 14 })).intents).toStrictEqual([]);
    const eager = run(closes, recordingContext(), strategy({ rsiPeriod: 14, oversold: 80 }));
    expect(eager.intents.map((intent) => intent.intentId)).toStrictEqual([
      `revert:AAPL:${20 * MINUTE_US}:buy`,
    ]);
  });

  it('does not buy again while it holds the position', () => {
    const context = run([...DROP, 94, 93, 92]);
    expect(summary(context)).toStrictEqual([
      ['buy', parseFixed('10'), 'entry', `revert:AAPL:${9 * MINUTE_US}:buy`],
    ]);
  });

  it('sends one exit per position while that exit has not filled', () => {
    const context = recordingContext();
    const revert = strategy();
    run([...DROP, 96, 97, 98], context, revert);
    context.held.set('AAPL', parseFixed('10')); // the exit is still working
    revert.onBar(minuteBar('AAPL', 13, 99), context);
    revert.onBar(minuteBar('AAPL', 14, 100), context);
    expect(context.intents.map((intent) => intent.side)).toStrictEqual(['buy', 'sell']);
  });

  it('decides on an updated bar that corrects the last minute, and ignores replayed and daily bars', () => {
    const context = recordingContext();
    const revert = strategy();
    run([...DROP.slice(0, 9), 100], context, revert); // minute 9 first closes at 100: nothing to do
    revert.onBar(minuteBar('AAPL', 8, 95, 'updated'), context); // corrects an older minute: too late
    revert.onBar(minuteBar('AAPL', 3, 50), context); // a replayed minute
    revert.onBar(minuteBar('AAPL', 10, 50, 'daily'), context);
    expect(context.intents).toStrictEqual([]);
    revert.onBar(minuteBar('AAPL', 9, 95, 'updated'), context); // a late trade: the minute closed at 95
    expect(summary(context)).toStrictEqual([
      ['buy', parseFixed('10'), 'entry', `revert:AAPL:${9 * MINUTE_US}:buy`],
    ]);
  });

  it('refuses an oversold level outside (0, 100) and periods that are not whole numbers', () => {
    const options = {
      id: 'x',
      symbols: [],
      bandPeriod: 5,
      bandWidth: 2,
      rsiPeriod: 14,
      oversold: 30,
      entryNotional: parseFixed('1'),
    };
    expect(() => new MeanReversion({ ...options, oversold: 100 })).toThrow('between 0 and 100');
    expect(() => new MeanReversion({ ...options, rsiPeriod: 1.5 })).toThrow('period must be a whole number');
  });
});
