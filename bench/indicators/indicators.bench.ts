/**
 * One update of each indicator on a random walk (bars around it for the bar-based ones), and the
 * same update of trading-signals' indicator of the same definition where it has one
 * (`indicator.<name>.trading_signals`), so one run shows both under the same conditions. An update
 * takes nanoseconds, near the timer's own cost, so a sample is the mean of a batch of 100.
 * Each `op` is its own function literal so that every benchmark's call site stays monomorphic.
 */
import * as tradingSignals from 'trading-signals';
import { ADX } from '../../shared/indicators/adx.ts';
import { ATR } from '../../shared/indicators/atr.ts';
import { BollingerBands } from '../../shared/indicators/bollinger-bands.ts';
import { EMA } from '../../shared/indicators/ema.ts';
import { MACD } from '../../shared/indicators/macd.ts';
import { OBV } from '../../shared/indicators/obv.ts';
import { RollingStandardDeviation } from '../../shared/indicators/rolling-standard-deviation.ts';
import { RSI } from '../../shared/indicators/rsi.ts';
import { SessionVwap } from '../../shared/indicators/session-vwap.ts';
import { SMA } from '../../shared/indicators/sma.ts';
import { Stochastic } from '../../shared/indicators/stochastic.ts';
import { WMA } from '../../shared/indicators/wma.ts';
import { ZScore } from '../../shared/indicators/z-score.ts';
import { type Benchmark, type LatencySpec, latencyBenchmark } from '../harness.ts';

const SIZE = 4_096;
const MASK = SIZE - 1;
const MINUTE_US = 60_000_000;
/** 2026-11-24 09:30 New York, so the VWAP crosses a session every 1,440 bars as the market would. */
const START_US = 1_795_962_600_000_000;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

const random = seeded(7);
const PRICES = new Float64Array(SIZE);
const BARS: { open: number; high: number; low: number; close: number; volume: number; startUs: number }[] =
  [];
{
  let price = 100;
  for (let i = 0; i < SIZE; i++) {
    price = Math.max(1, Math.round((price + (random() - 0.5)) * 100) / 100);
    PRICES[i] = price;
    BARS.push({
      open: price,
      high: price + Math.round(random() * 50) / 100,
      low: price - Math.round(random() * 50) / 100,
      close: price,
      volume: 100 + Math.floor(random() * 5_000),
      startUs: START_US + i * MINUTE_US,
    });
  }
}

/** Bars keep advancing in time past the end of the table, so the VWAP sees new sessions. */
const barAt = (i: number) => BARS[i & MASK]!;

function updates<State>(name: string, setup: () => State, op: LatencySpec<State>['op']): Benchmark {
  return latencyBenchmark({ name, iterations: 2_000_000, warmup: 500_000, batch: 100, setup, op });
}

export const benchmarks: Benchmark[] = [
  updates(
    'indicator.sma',
    () => new SMA(20),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.sma.trading_signals',
    () => new tradingSignals.SMA(20),
    (s, i) => s.update(PRICES[i & MASK]!, false),
  ),
  updates(
    'indicator.ema',
    () => new EMA(20),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.ema.trading_signals',
    () => new tradingSignals.EMA(20),
    (s, i) => s.update(PRICES[i & MASK]!, false),
  ),
  updates(
    'indicator.wma',
    () => new WMA(20),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.wma.trading_signals',
    () => new tradingSignals.WMA(20),
    (s, i) => s.update(PRICES[i & MASK]!, false),
  ),
  updates(
    'indicator.rsi',
    () => new RSI(14),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.rsi.trading_signals',
    () => new tradingSignals.RSI(14),
    (s, i) => s.update(PRICES[i & MASK]!, false),
  ),
  updates(
    'indicator.macd',
    () => new MACD(12, 26, 9),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.macd.trading_signals',
    () =>
      new tradingSignals.MACD(
        new tradingSignals.EMA(12),
        new tradingSignals.EMA(26),
        new tradingSignals.EMA(9),
      ),
    (s, i) => s.update(PRICES[i & MASK]!, false),
  ),
  updates(
    'indicator.bollinger',
    () => new BollingerBands(20, 2),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.bollinger.trading_signals',
    () => new tradingSignals.BollingerBands(20, 2),
    (s, i) => s.update(PRICES[i & MASK]!, false),
  ),
  updates(
    'indicator.stddev',
    () => new RollingStandardDeviation(20),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.zscore',
    () => new ZScore(20),
    (s, i) => s.update(PRICES[i & MASK]!),
  ),
  updates(
    'indicator.atr',
    () => new ATR(14),
    (s, i) => s.update(BARS[i & MASK]!),
  ),
  updates(
    'indicator.atr.trading_signals',
    () => new tradingSignals.ATR(14),
    (s, i) => s.update(BARS[i & MASK]!, false),
  ),
  updates(
    'indicator.stochastic',
    () => new Stochastic(14, 3, 3),
    (s, i) => s.update(BARS[i & MASK]!),
  ),
  updates(
    'indicator.stochastic.trading_signals',
    () => new tradingSignals.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }),
    (s, i) => s.update(BARS[i & MASK]!, false),
  ),
  updates(
    'indicator.adx',
    () => new ADX(14),
    (s, i) => s.update(BARS[i & MASK]!),
  ),
  updates(
    'indicator.adx.trading_signals',
    () => new tradingSignals.ADX(14),
    (s, i) => s.update(BARS[i & MASK]!, false),
  ),
  updates(
    'indicator.obv',
    () => new OBV(),
    (s, i) => s.update(BARS[i & MASK]!),
  ),
  updates(
    'indicator.obv.trading_signals',
    () => new tradingSignals.OBV(2),
    (s, i) => s.update(BARS[i & MASK]!, false),
  ),
  updates(
    'indicator.vwap',
    () => new SessionVwap(),
    (s, i) => s.update(barAt(i)),
  ),
  updates(
    'indicator.vwap.trading_signals',
    () => new tradingSignals.VWAP(),
    (s, i) => s.update(barAt(i), false),
  ),
];
