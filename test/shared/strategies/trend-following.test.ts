import { describe, expect, it } from 'vitest';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { TrendFollowing } from '../../../shared/strategies/trend-following.ts';
import { MINUTE_US, minuteBar } from '../../support/minute-bars.ts';
import { recordingContext } from '../../support/recording-context.ts';

const bar = minuteBar;

function strategy(average: 'sma' | 'ema' = 'sma') {
  return new TrendFollowing({
    id: 'mac',
    symbols: ['AAPL'],
    average,
    fastPeriod: 2,
    slowPeriod: 4,
    entryNotional: parseFixed('1000'),
  });
}

describe('Class: TrendFollowing', () => {
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

  it('crosses on the exponential averages when configured so', () => {
    // At minute 5 (close 99) EMA(2) = 99·⅔ + 96.5·⅓ ≈ 98.17 is above EMA(4) = 99·0.4 + 97.5·0.6 = 98.1,
    // a cross up; SMA(2) = (96 + 99) / 2 = 97.5 equals SMA(4) = (98 + 97 + 96 + 99) / 4: no cross.
    const closes = [100, 99, 98, 97, 96, 99];
    for (const [average, sides] of [
      ['ema', ['buy']],
      ['sma', []],
    ] as const) {
      const context = recordingContext();
      const trend = strategy(average);
      closes.forEach((close, minute) => {
        trend.onBar(bar('AAPL', minute, close), context);
      });
      expect(context.intents.map((intent) => [intent.side, intent.intentId])).toStrictEqual(
        sides.map((side) => [side, `mac:AAPL:${5 * MINUTE_US}:${side}`]),
      );
    }
  });

  describe('with an ATR stop', () => {
    // SMA(2) against SMA(10); bars 0.5 either side of the close; ATR(3), stop 1 ATR below the
    // highest close. Falling by 2 from 120 to 102 (minutes 0-9), then rising by 2: at minute 13
    // (close 110) SMA(2) = 109 passes SMA(10) = (112 + … + 102 + 104 + … + 110) / 10 = 107: buy.
    // The rise tops at 122 (minute 19), where each true range is 2.5 and the ATR has settled at
    // ≈ 2.5; at minute 20 the close drops to 119: true range 3.5, ATR ≈ (2 × 2.5 + 3.5) / 3 ≈ 2.83,
    // stop ≈ 122 − 2.83 = 119.17 ≥ 119: sell, although SMA(2) = 120.5 is still above SMA(10) = 114.5.
    const closes = [
      ...Array.from({ length: 10 }, (_, i) => 120 - 2 * i),
      ...Array.from({ length: 10 }, (_, i) => 104 + 2 * i),
      119,
    ];
    const stopped = () =>
      new TrendFollowing({
        id: 'trend',
        symbols: ['AAPL'],
        average: 'sma',
        fastPeriod: 2,
        slowPeriod: 10,
        entryNotional: parseFixed('1100'),
        atrStop: { period: 3, multiple: 1 },
      });

    it('sells when a close falls a multiple of the ATR below the highest close since the entry', () => {
      const context = recordingContext();
      const trend = stopped();
      closes.forEach((close, minute) => {
        trend.onBar(bar('AAPL', minute, close, 'minute', 0.5), context);
      });
      expect(
        context.intents.map((intent) => [intent.side, intent.qty, intent.purpose, intent.intentId]),
      ).toStrictEqual([
        ['buy', parseFixed('10'), 'entry', `trend:AAPL:${13 * MINUTE_US}:buy`],
        ['sell', parseFixed('10'), 'exit', `trend:AAPL:${20 * MINUTE_US}:sell`],
      ]);
    });

    it('does not buy again until the next cross up', () => {
      const context = recordingContext();
      const trend = stopped();
      // After the stop the trend resumes (minutes 21-22): the averages never crossed down, so no new
      // entry. At minute 23 a dip to 110 crosses down (SMA(2) 117.5 < SMA(10) 117.9), and at
      // minute 24 a jump to 135 crosses back up (122.5 > 120.2): that buys again.
      [...closes, 123, 125, 110, 135].forEach((close, minute) => {
        trend.onBar(bar('AAPL', minute, close, 'minute', 0.5), context);
      });
      expect(context.intents.map((intent) => [intent.side, intent.intentId])).toStrictEqual([
        ['buy', `trend:AAPL:${13 * MINUTE_US}:buy`],
        ['sell', `trend:AAPL:${20 * MINUTE_US}:sell`],
        ['buy', `trend:AAPL:${24 * MINUTE_US}:buy`],
      ]);
    });

    it('trails from the highest close, not the entry: the same drop right after the entry keeps the position', () => {
      const context = recordingContext();
      const trend = stopped();
      // Minute 14 closes at 111, 1 above the entry and well within one ATR of the highest close.
      [...closes.slice(0, 14), 111].forEach((close, minute) => {
        trend.onBar(bar('AAPL', minute, close, 'minute', 0.5), context);
      });
      expect(context.intents.map((intent) => intent.side)).toStrictEqual(['buy']);
    });
  });

  it('sizes crypto in fractional steps and uses gtc', () => {
    const context = recordingContext();
    const mac = new TrendFollowing({
      id: 'c',
      symbols: ['BTC/USD'],
      average: 'sma',
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
        new TrendFollowing({
          id: 'x',
          symbols: [],
          average: 'sma',
          fastPeriod: 5,
          slowPeriod: 5,
          entryNotional: parseFixed('1'),
        }),
    ).toThrow(RangeError);
  });
});
