/**
 * Each feature the pipeline can produce: how many bars it needs and how it is computed from the
 * indicators in shared/indicators. docs/models.md defines each one in words.
 */
import type { Bar } from '../domain/market-data.ts';
import { ADX } from '../indicators/adx.ts';
import { ATR } from '../indicators/atr.ts';
import { BollingerBands } from '../indicators/bollinger-bands.ts';
import type { Indicator } from '../indicators/indicator.ts';
import { MACD } from '../indicators/macd.ts';
import { RollingSum } from '../indicators/rolling-sum.ts';
import { RSI } from '../indicators/rsi.ts';
import { SessionVwap } from '../indicators/session-vwap.ts';
import { SMA } from '../indicators/sma.ts';
import { Stochastic } from '../indicators/stochastic.ts';
import { ZScore } from '../indicators/z-score.ts';
import type { FeatureName } from './feature-names.ts';

/** One feature of one symbol's bar stream. */
export interface BarFeature {
  /** The feature after this bar (or this replacement of the latest bar); null while warming up. */
  update(bar: Bar, replace: boolean): number | null;
  reset(): void;
}

export interface FeatureDefinition {
  /** Bars until the feature has a value. */
  readonly warmupBars: number;
  create(): BarFeature;
}

/** A feature read off one indicator: `read` turns its output (and the bar) into the feature. */
function fromIndicator<Input, Output>(
  indicator: Indicator<Input, Output>,
  input: (bar: Bar) => Input,
  read: (output: Output, bar: Bar) => number,
): BarFeature {
  return {
    update(bar, replace) {
      const output = indicator.update(input(bar), replace);
      return output === null ? null : read(output, bar);
    },
    reset: () => indicator.reset(),
  };
}

const close = (bar: Bar): number => bar.close;
const wholeBar = (bar: Bar): Bar => bar;

/** The simple return over `bars` bars: close / close `bars` bars ago − 1. */
function simpleReturn(bars: number): FeatureDefinition {
  return {
    warmupBars: bars + 1,
    create() {
      const closes = new RollingSum(bars + 1);
      return {
        update(bar, replace) {
          closes.update(bar.close, replace);
          return closes.isFull ? bar.close / closes.at(0) - 1 : null;
        },
        reset: () => closes.reset(),
      };
    },
  };
}

function smaRatio(fastPeriod: number, slowPeriod: number): FeatureDefinition {
  return {
    warmupBars: slowPeriod,
    create() {
      const fast = new SMA(fastPeriod);
      const slow = new SMA(slowPeriod);
      return {
        update(bar, replace) {
          const fastValue = fast.update(bar.close, replace);
          const slowValue = slow.update(bar.close, replace);
          return fastValue === null || slowValue === null ? null : fastValue / slowValue - 1;
        },
        reset() {
          fast.reset();
          slow.reset();
        },
      };
    },
  };
}

export const FEATURE_DEFINITIONS: Readonly<Record<FeatureName, FeatureDefinition>> = {
  return_1: simpleReturn(1),
  return_5: simpleReturn(5),
  return_15: simpleReturn(15),
  rsi_14: { warmupBars: 15, create: () => fromIndicator(new RSI(14), close, (rsi) => rsi) },
  sma_ratio_5_20: smaRatio(5, 20),
  bollinger_percent_b_20: {
    warmupBars: 20,
    create: () =>
      fromIndicator(
        new BollingerBands(20, 2),
        close,
        (bands, bar) => (bar.close - bands.lower) / (bands.upper - bands.lower),
      ),
  },
  atr_percent_14: {
    warmupBars: 14,
    create: () => fromIndicator(new ATR(14), wholeBar, (atr, bar) => (100 * atr) / bar.close),
  },
  macd_histogram_percent_12_26_9: {
    warmupBars: 34,
    create: () =>
      fromIndicator(new MACD(12, 26, 9), close, (macd, bar) => (100 * macd.histogram) / bar.close),
  },
  zscore_close_20: { warmupBars: 20, create: () => fromIndicator(new ZScore(20), close, (z) => z) },
  volume_zscore_20: {
    warmupBars: 20,
    create: () =>
      fromIndicator(
        new ZScore(20),
        (bar) => bar.volume,
        (z) => z,
      ),
  },
  stochastic_k_14: {
    warmupBars: 14,
    create: () => fromIndicator(new Stochastic(14, 1, 1), wholeBar, (stochastic) => stochastic.k),
  },
  adx_14: { warmupBars: 28, create: () => fromIndicator(new ADX(14), wholeBar, (adx) => adx) },
  vwap_deviation: {
    warmupBars: 1,
    create: () => fromIndicator(new SessionVwap(), wholeBar, (vwap, bar) => bar.close / vwap - 1),
  },
};
