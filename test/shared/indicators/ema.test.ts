import { EMA as TradingSignalsEma } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { EMA } from '../../../shared/indicators/ema.ts';
import { expectSameValues, randomWalk } from './indicator-fixtures.ts';

describe('Class: EMA', () => {
  it('converges to trading-signals, which seeds with the first input instead of the first average', () => {
    const ours = new EMA(20);
    const theirs = new TradingSignalsEma(20);
    const prices = randomWalk(6, 2_000);
    // The seeds differ; the difference decays by (19/21)^n, below 1e-9 of a $100 price by n ≈ 400.
    expect(expectSameValues(ours, theirs, prices, 400)).toBe(1_600);
    const early = new EMA(20);
    const earlyTheirs = new TradingSignalsEma(20);
    const diffs = prices.slice(0, 20).map((x) => (early.update(x) ?? 0) - earlyTheirs.update(x, false));
    expect(Math.abs(diffs.at(-1)!)).toBeGreaterThan(1e-6);
  });
});
