/**
 * The --seed source: minute bars of the simulator's price model, deterministic per seed and symbol,
 * equities in NYSE regular sessions, crypto around the clock.
 */
import { describe, expect, it } from 'vitest';
import type { BarColumnsBuilder } from '../../../backtest/data/bar-columns.ts';
import { BarDataError } from '../../../backtest/data/bar-data-error.ts';
import { GENERATED_ORIGIN_DATE, generateBars } from '../../../backtest/data/generated-bars.ts';
import { newYorkDate } from '../../../shared/time/new-york-time.ts';
import { symbolTraits } from '../../../sim/market/symbol-traits.ts';

function columns(bars: BarColumnsBuilder, symbol: string) {
  const series = bars.series(bars.symbolIndex(symbol));
  return {
    startUs: [...series.startUs],
    open: [...series.open],
    high: [...series.high],
    low: [...series.low],
    close: [...series.close],
    volume: [...series.volume],
  };
}

function barsPerDay(bars: BarColumnsBuilder, symbol: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const us of bars.series(bars.symbolIndex(symbol)).startUs) {
    const date = newYorkDate(us / 1000);
    counts[date] = (counts[date] ?? 0) + 1;
  }
  return counts;
}

describe('Function: generateBars', () => {
  it('gives the same bars for the same seed, other bars for another seed', () => {
    const request = { symbols: ['AAPL', 'BTC/USD'], from: '2024-03-11', to: '2024-03-12' };

    const first = generateBars({ seed: 7, ...request });
    const again = generateBars({ seed: 7, ...request });
    const other = generateBars({ seed: 8, ...request });

    expect(columns(again, 'AAPL')).toStrictEqual(columns(first, 'AAPL'));
    expect(columns(again, 'BTC/USD')).toStrictEqual(columns(first, 'BTC/USD'));
    expect(columns(other, 'AAPL').close).not.toStrictEqual(columns(first, 'AAPL').close);
  });

  it('gives a date the same bars whatever the range and the other symbols asked for', () => {
    const alone = generateBars({ seed: 3, symbols: ['MSFT'], from: '2024-03-12', to: '2024-03-12' });
    const within = generateBars({ seed: 3, symbols: ['SPY', 'MSFT'], from: '2024-03-01', to: '2024-03-15' });

    const day = columns(alone, 'MSFT');
    const all = columns(within, 'MSFT');
    const start = all.startUs.indexOf(day.startUs[0]!);
    expect(start).toBeGreaterThan(0);
    expect(all.close.slice(start, start + day.close.length)).toStrictEqual(day.close);
    expect(all.volume.slice(start, start + day.volume.length)).toStrictEqual(day.volume);
  });

  it('trades equities in regular sessions only: no weekend or holiday, 13:00 on a half day', () => {
    // 2024-07-03 closes at 13:00, 2024-07-04 is Independence Day, 2024-07-06/07 a weekend.
    const bars = generateBars({ seed: 1, symbols: ['AAPL'], from: '2024-07-02', to: '2024-07-08' });

    expect(barsPerDay(bars, 'AAPL')).toStrictEqual({
      '2024-07-02': 390,
      '2024-07-03': 210,
      '2024-07-05': 390,
      '2024-07-08': 390,
    });
    const starts = columns(bars, 'AAPL').startUs.map((us) => new Date(us / 1000).toISOString());
    expect(starts[0]).toBe('2024-07-02T13:30:00.000Z');
    expect(starts[390 + 209]).toBe('2024-07-03T16:59:00.000Z');
  });

  it('opens at 09:30 New York on both sides of a daylight-saving switch', () => {
    const bars = generateBars({ seed: 1, symbols: ['SPY'], from: '2024-03-08', to: '2024-03-11' });

    const starts = columns(bars, 'SPY').startUs.map((us) => new Date(us / 1000).toISOString());
    expect(starts[0]).toBe('2024-03-08T14:30:00.000Z');
    expect(starts[390]).toBe('2024-03-11T13:30:00.000Z');
    expect(starts).toHaveLength(780);
  });

  it('trades crypto every minute of every New York day, 23 and 25 hours on the switch days', () => {
    const march = generateBars({ seed: 1, symbols: ['BTC/USD'], from: '2024-03-09', to: '2024-03-10' });
    const november = generateBars({ seed: 1, symbols: ['ETH/USD'], from: '2024-11-03', to: '2024-11-03' });

    expect(barsPerDay(march, 'BTC/USD')).toStrictEqual({ '2024-03-09': 1440, '2024-03-10': 1380 });
    expect(barsPerDay(november, 'ETH/USD')).toStrictEqual({ '2024-11-03': 1500 });
  });

  it("starts the walk at the symbol's simulator price and keeps prices on its tick grid", () => {
    const bars = generateBars({ seed: 1, symbols: ['AAPL'], from: GENERATED_ORIGIN_DATE, to: '2000-01-05' });
    const aapl = columns(bars, 'AAPL');

    expect(aapl.open[0]).toBe(symbolTraits('AAPL', 1).initialPrice);
    for (const price of [...aapl.open, ...aapl.high, ...aapl.low, ...aapl.close])
      expect(Math.abs(price * 100 - Math.round(price * 100))).toBeLessThan(1e-6);
  });

  it('makes bars whose high and low are extremes of a path that continues from bar to bar', () => {
    const bars = generateBars({ seed: 5, symbols: ['NVDA'], from: '2024-05-06', to: '2024-05-06' });
    const { open, high, low, close, volume } = columns(bars, 'NVDA');

    let wicks = 0;
    for (let i = 0; i < open.length; i++) {
      expect(high[i]).toBeGreaterThanOrEqual(Math.max(open[i]!, close[i]!));
      expect(low[i]).toBeLessThanOrEqual(Math.min(open[i]!, close[i]!));
      expect(volume[i]).toBeGreaterThan(0);
      if (i > 0) expect(open[i]).toBe(close[i - 1]);
      if (high[i]! > Math.max(open[i]!, close[i]!) || low[i]! < Math.min(open[i]!, close[i]!)) wicks++;
    }
    // Sub-steps within the minute reach beyond the open and close in most bars.
    expect(wicks).toBeGreaterThan(open.length / 2);
  });

  it('trades more at the open and the close than at midday', () => {
    const bars = generateBars({ seed: 2, symbols: ['QQQ'], from: '2024-05-01', to: '2024-05-31' });
    const { volume } = columns(bars, 'QQQ');
    const mean = (minutes: (minute: number) => boolean): number => {
      const picked = volume.filter((_, i) => minutes(i % 390));
      return picked.reduce((sum, value) => sum + value, 0) / picked.length;
    };

    const opening = mean((minute) => minute < 15);
    const midday = mean((minute) => minute >= 150 && minute < 240);
    const closing = mean((minute) => minute >= 375);

    expect(opening).toBeGreaterThan(2 * midday);
    expect(closing).toBeGreaterThan(1.5 * midday);
  });

  it('refuses dates before the walk begins', () => {
    expect(() => generateBars({ seed: 1, symbols: ['AAPL'], from: '1999-12-31', to: '2000-01-05' })).toThrow(
      new BarDataError('generated bars start on 2000-01-01; --from 1999-12-31 is before that'),
    );
  });
});
