import { OBV as TradingSignalsObv } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { OBV } from '../../../shared/indicators/obv.ts';
import { expectAgreesWith, randomBars } from './indicator-fixtures.ts';

describe('Class: OBV', () => {
  it('refuses a bar whose volume is not finite', () => {
    const obv = new OBV();
    obv.update({ high: 1, low: 1, close: 1, volume: 10, startUs: 0 });
    expect(obv.update({ high: 2, low: 2, close: 2, volume: Number.NaN, startUs: 1 })).toBe(0);
    expect(obv.update({ high: 2, low: 2, close: 2, volume: 5, startUs: 1 })).toBe(5);
  });

  it('agrees with trading-signals from its first value (the second bar)', () => {
    const ours = new OBV();
    const theirs = new TradingSignalsObv(2);
    const compared = expectAgreesWith(
      (bar) => ours.update(bar),
      (bar) => theirs.update({ ...bar, open: bar.close }, false),
      randomBars(40, 2_000, 0),
      1,
    );
    expect(compared).toBe(1_999);
  });
});
