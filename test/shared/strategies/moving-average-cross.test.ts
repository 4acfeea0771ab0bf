import { describe, expect, it } from 'vitest';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import type { Bar } from '../../../shared/domain/market-data.ts';
import { MovingAverageCross } from '../../../shared/strategies/moving-average-cross.ts';
import { recordingContext } from '../../support/recording-context.ts';

const MINUTE_US = 60_000_000;

function bar(symbol: string, minute: number, close: number, kind: Bar['kind'] = 'minute'): Bar {
  return {
    symbol,
    kind,
    startUs: minute * MINUTE_US,
    open: close,
    high: close,
    low: close,
    close,
    volume: 100,
    tradeCount: 1,
    vwap: close,
  };
}

function strategy() {
  return new MovingAverageCross({
    id: 'mac',
    symbols: ['AAPL'],
    fastPeriod: 2,
    slowPeriod: 4,
    entryNotional: parseFixed('1000'),
  });
}

describe('Class: MovingAverageCross', () => {
  it('buys on a cross up and sells the whole position on the cross down', () => {
    const context = recordingContext();
    const mac = strategy();
    [100, 99, 98, 97, 96, 100, 104, 90, 85].forEach((close, minute) => {
      mac.onBar(bar('AAPL', minute, close), context);
    });
    expect(
      context.intents.map((intent) => [intent.side, intent.qty, intent.purpose, intent.intentId]),
    ).toStrictEqual([
      ['buy', parseFixed('10'), 'entry', `mac:AAPL:${5 * MINUTE_US}:buy`],
      ['sell', parseFixed('10'), 'exit', `mac:AAPL:${7 * MINUTE_US}:sell`],
    ]);
    expect(context.intents[0]).toMatchObject({
      type: 'market',
      timeInForce: 'day',
      referencePrice: parseFixed('100'),
      assetClass: 'us_equity',
    });
  });

  it('does not re-enter while holding, and ignores replayed and daily bars', () => {
    const context = recordingContext();
    const mac = strategy();
    [100, 99, 98, 97, 96, 100].forEach((close, minute) => {
      mac.onBar(bar('AAPL', minute, close), context);
    });
    mac.onBar(bar('AAPL', 5, 100), context); // replayed after a backfill
    mac.onBar(bar('AAPL', 6, 50, 'daily'), context);
    expect(context.intents).toHaveLength(1);
  });

  it('lets an updated bar replace the last close instead of adding one', () => {
    const withCorrection = recordingContext();
    const corrected = strategy();
    [100, 99, 98, 97, 96].forEach((close, minute) => {
      corrected.onBar(bar('AAPL', minute, close), withCorrection);
    });
    corrected.onBar(bar('AAPL', 5, 100), withCorrection);
    corrected.onBar(bar('AAPL', 5, 96, 'updated'), withCorrection); // the late trade undoes the rise
    corrected.onBar(bar('AAPL', 6, 95), withCorrection);
    // The rise to 100 crossed up and bought; the correction and the next fall cross back down.
    expect(withCorrection.intents.map((intent) => intent.side)).toStrictEqual(['buy', 'sell']);
  });

  it('sizes crypto in fractional steps and uses gtc', () => {
    const context = recordingContext();
    const mac = new MovingAverageCross({
      id: 'c',
      symbols: ['BTC/USD'],
      fastPeriod: 1,
      slowPeriod: 2,
      entryNotional: parseFixed('1000'),
    });
    [70_000, 69_000, 71_000].forEach((close, minute) => {
      mac.onBar(bar('BTC/USD', minute, close), context);
    });
    expect(context.intents[0]).toMatchObject({
      qty: parseFixed('0.014'),
      timeInForce: 'gtc',
      assetClass: 'crypto',
    });
  });

  it('refuses inconsistent periods', () => {
    expect(
      () =>
        new MovingAverageCross({
          id: 'x',
          symbols: [],
          fastPeriod: 5,
          slowPeriod: 5,
          entryNotional: parseFixed('1'),
        }),
    ).toThrow(RangeError);
  });
});
