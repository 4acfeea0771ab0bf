/**
 * Every indicator against its textbook reference, recomputed over the whole history after each
 * update: through warm-up, corrections of the latest input, and refused gaps; and reset. Where
 * trading-signals computes the same definition, the two agree on a plain series from the first
 * value on. Behaviour particular to one indicator is in its own file.
 */
import * as tradingSignals from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { ADX } from '../../../shared/indicators/adx.ts';
import { ATR } from '../../../shared/indicators/atr.ts';
import { BollingerBands, type BollingerBandsOutput } from '../../../shared/indicators/bollinger-bands.ts';
import { EMA } from '../../../shared/indicators/ema.ts';
import type { BarInput, Indicator } from '../../../shared/indicators/indicator.ts';
import { MACD, type MacdOutput } from '../../../shared/indicators/macd.ts';
import { OBV } from '../../../shared/indicators/obv.ts';
import { RollingStandardDeviation } from '../../../shared/indicators/rolling-standard-deviation.ts';
import { RSI } from '../../../shared/indicators/rsi.ts';
import { SessionVwap } from '../../../shared/indicators/session-vwap.ts';
import { SMA } from '../../../shared/indicators/sma.ts';
import { Stochastic, type StochasticOutput } from '../../../shared/indicators/stochastic.ts';
import { WMA } from '../../../shared/indicators/wma.ts';
import { ZScore } from '../../../shared/indicators/z-score.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import {
  barSteps,
  expectMatchesReference,
  expectResetRestarts,
  expectSameValues,
  priceSteps,
  randomBars,
  randomWalk,
  type Step,
  single,
} from './indicator-fixtures.ts';
import * as reference from './reference.ts';

interface Case<Input, Output> {
  readonly name: string;
  make(): Indicator<Input, Output>;
  reference(history: readonly Input[]): Output | null;
  fields(output: Output): readonly number[];
  stream(): Step<Input>[];
  resetInputs: readonly Input[];
}

const bands = (o: BollingerBandsOutput): readonly number[] => [o.upper, o.middle, o.lower];
const macdFields = (o: MacdOutput): readonly number[] => [o.macd, o.signal, o.histogram];
const stochasticFields = (o: StochasticOutput): readonly number[] => [o.k, o.d];

function priceCases(seed: number, periods: readonly number[]) {
  return (
    name: string,
    make: (period: number) => Indicator<number, number>,
    textbook: (h: readonly number[], period: number) => number | null,
  ) =>
    periods.map(
      (period): Case<number, number> => ({
        name: `${name}(${period})`,
        make: () => make(period),
        reference: (h) => textbook(h, period),
        fields: single,
        stream: () => priceSteps(seed + period),
        resetInputs: randomWalk(seed, 40),
      }),
    );
}

function barCases(seed: number, periods: readonly number[]) {
  return (
    name: string,
    make: (period: number) => Indicator<BarInput, number>,
    textbook: (h: readonly BarInput[], period: number) => number | null,
  ) =>
    periods.map(
      (period): Case<BarInput, number> => ({
        name: `${name}(${period})`,
        make: () => make(period),
        reference: (h) => textbook(h, period),
        fields: single,
        stream: () => barSteps(seed + period, 300),
        resetInputs: randomBars(seed, 40, 0),
      }),
    );
}

/** 20:00 New York on a Friday before the end of daylight saving: bars run through three dates and the switch. */
const VWAP_START_US = newYorkToUtcMs('2026-10-30', 20 * 60) * 1000;

const numberCases: Case<number, unknown>[] = [
  ...priceCases(100, [1, 2, 20])('SMA', (p) => new SMA(p), reference.sma),
  ...priceCases(110, [1, 3, 20])('EMA', (p) => new EMA(p), reference.ema),
  ...priceCases(120, [1, 4, 20])('WMA', (p) => new WMA(p), reference.wma),
  ...priceCases(130, [1, 2, 14])('RSI', (p) => new RSI(p), reference.rsi),
  ...priceCases(140, [1, 2, 20])(
    'RollingStandardDeviation',
    (p) => new RollingStandardDeviation(p),
    reference.standardDeviation,
  ),
  ...priceCases(150, [2, 20])('ZScore', (p) => new ZScore(p), reference.zScore),
  ...((
    [
      [12, 26, 9],
      [2, 3, 1],
    ] as const
  ).map(
    ([fast, slow, signal]): Case<number, MacdOutput> => ({
      name: `MACD(${fast}, ${slow}, ${signal})`,
      make: () => new MACD(fast, slow, signal),
      reference: (h) => reference.macd(h, fast, slow, signal),
      fields: macdFields,
      stream: () => priceSteps(160 + fast, 300),
      resetInputs: randomWalk(161, 40),
    }),
  ) as Case<number, unknown>[]),
  ...((
    [
      [20, 2],
      [3, 1.5],
    ] as const
  ).map(
    ([period, multiplier]): Case<number, BollingerBandsOutput> => ({
      name: `BollingerBands(${period}, ${multiplier})`,
      make: () => new BollingerBands(period, multiplier),
      reference: (h) => reference.bollinger(h, period, multiplier),
      fields: bands,
      stream: () => priceSteps(170 + period),
      resetInputs: randomWalk(171, 40),
    }),
  ) as Case<number, unknown>[]),
];

const barInputCases: Case<BarInput, unknown>[] = [
  ...barCases(200, [1, 2, 14])('ATR', (p) => new ATR(p), reference.atr),
  ...barCases(210, [1, 3, 14])('ADX', (p) => new ADX(p), reference.adx),
  ...barCases(220, [1])('OBV', () => new OBV(), reference.obv),
  {
    name: 'SessionVwap across New York dates and a DST change',
    make: () => new SessionVwap(),
    reference: reference.sessionVwap,
    fields: single,
    stream: () => barSteps(230, 3_400, VWAP_START_US),
    resetInputs: randomBars(231, 40, VWAP_START_US),
  } satisfies Case<BarInput, number>,
  ...((
    [
      [14, 3, 3],
      [5, 1, 3],
      [1, 1, 1],
    ] as const
  ).map(
    ([k, smoothing, d]): Case<BarInput, StochasticOutput> => ({
      name: `Stochastic(${k}, ${smoothing}, ${d})`,
      make: () => new Stochastic(k, smoothing, d),
      reference: (h) => reference.stochastic(h, k, smoothing, d),
      fields: stochasticFields,
      stream: () => barSteps(240 + k),
      resetInputs: randomBars(241, 40, 0),
    }),
  ) as Case<BarInput, unknown>[]),
];

describe.each([...numberCases, ...barInputCases] as Case<unknown, unknown>[])('Indicator: $name', (c) => {
  it('matches the textbook reference after every update, through warm-up, corrections and gaps', () => {
    expectMatchesReference(c.make(), c.stream(), c.reference, c.fields);
  });

  it('restarts on reset', () => {
    expectResetRestarts(c.make, c.resetInputs, c.fields);
  });
});

describe('Module: agreement with trading-signals on plain series', () => {
  it.each([
    [
      'SMA(20)',
      () => expectSameValues(new SMA(20), new tradingSignals.SMA(20), randomWalk(2, 2_000), 19),
      1_981,
    ],
    [
      'WMA(20)',
      () => expectSameValues(new WMA(20), new tradingSignals.WMA(20), randomWalk(9, 2_000), 19),
      1_981,
    ],
    // Both seed Wilder's averages with the first simple average.
    [
      'RSI(14)',
      () => expectSameValues(new RSI(14), new tradingSignals.RSI(14), randomWalk(13, 2_000), 14),
      1_986,
    ],
    // Both take high − low as the first bar's true range.
    [
      'ATR(14)',
      () => expectSameValues(new ATR(14), new tradingSignals.ATR(14), randomBars(31, 2_000, 0), 13),
      1_987,
    ],
  ] as const)('%s', (_name, compare, count) => {
    expect(compare()).toBe(count);
  });
});
