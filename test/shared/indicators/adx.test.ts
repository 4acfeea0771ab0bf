import { ADX as TradingSignalsAdx } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { ADX } from '../../../shared/indicators/adx.ts';
import { expectSameValues, randomBars, seededRandom } from './indicator-fixtures.ts';

describe('Class: ADX', () => {
  it("converges to trading-signals' ADX, which starts its averages one bar earlier", () => {
    const ours = new ADX(14);
    const theirs = new TradingSignalsAdx(14);
    // Off the cent grid, so the high's rise never ties the low's fall: on a tie trading-signals
    // counts both movements, Wilder neither.
    const random = seededRandom(37);
    const bars = randomBars(37, 3_000, 0).map((bar) => ({
      ...bar,
      high: bar.high + random() * 1e-3,
      low: bar.low - random() * 1e-3,
    }));
    const compared = expectSameValues(ours, theirs, bars, 1_000);
    expect(compared).toBe(2_000);
  });

  it('reads a strong trend on a steady rise, with +DI above −DI', () => {
    const adx = new ADX(5);
    for (let i = 0; i < 40; i++)
      adx.update({ high: 101 + i, low: 99 + i, close: 100 + i, volume: 1, startUs: i });
    expect(adx.value).toBe(100);
    expect(adx.plusDI).toBeGreaterThan(adx.minusDI);
  });
});
