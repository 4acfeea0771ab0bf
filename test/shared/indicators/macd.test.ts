import { EMA as TradingSignalsEma, MACD as TradingSignalsMacd } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { MACD, type MacdOutput } from '../../../shared/indicators/macd.ts';
import { expectAgreesWith, expectMatchesReference, priceSteps, randomWalk } from './indicator-fixtures.ts';
import * as reference from './reference.ts';

const fields = (o: MacdOutput): readonly number[] => [o.macd, o.signal, o.histogram];

describe('Class: MACD', () => {
  it.each([
    [12, 26, 9],
    [2, 3, 1],
  ])('matches the textbook MACD (%i, %i, %i) through warm-up, corrections and gaps', (fast, slow, signal) => {
    const stream = priceSteps(15, 300);
    expectMatchesReference(
      new MACD(fast, slow, signal),
      stream,
      (h) => reference.macd(h, fast, slow, signal),
      fields,
    );
  });

  it("converges to trading-signals' MACD, whose EMAs seed with the first input", () => {
    const ours = new MACD(12, 26, 9);
    const theirs = new TradingSignalsMacd(
      new TradingSignalsEma(12),
      new TradingSignalsEma(26),
      new TradingSignalsEma(9),
    );
    const prices = randomWalk(16, 2_000);
    const compared = expectAgreesWith(
      (x: number) => ours.update(x)?.histogram ?? null,
      (x) => theirs.update(x, false)?.histogram,
      prices,
      600,
    );
    expect(compared).toBe(1_400);
  });

  it('returns one output object, updated in place', () => {
    const macd = new MACD(2, 3, 2);
    const outputs = randomWalk(17, 10)
      .map((x) => macd.update(x))
      .filter((o) => o !== null);
    expect(outputs.length).toBeGreaterThan(2);
    expect(new Set(outputs).size).toBe(1);
  });

  it('refuses a fast period that is not shorter than the slow one', () => {
    expect(() => new MACD(26, 26, 9)).toThrow('fastPeriod (26) must be shorter than slowPeriod (26)');
  });
});
