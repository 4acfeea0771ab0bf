/**
 * Textbook definitions, recomputed over the whole history on every call: slow and obviously
 * right, the yardstick for the streaming indicators. Each returns the value after the last input
 * of `history`, or null while there are too few inputs.
 */
import type { BarInput } from '../../../shared/indicators/indicator.ts';
import { newYorkDate } from '../../../shared/time/new-york-time.ts';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: readonly number[]): number => sum(values) / values.length;

export function sma(history: readonly number[], period: number): number | null {
  return history.length < period ? null : mean(history.slice(-period));
}

export function wma(history: readonly number[], period: number): number | null {
  if (history.length < period) return null;
  const window = history.slice(-period);
  return sum(window.map((x, i) => x * (i + 1))) / ((period * (period + 1)) / 2);
}

/** Seeded with the simple average of the first `period` values, then x·w + previous·(1 − w). */
export function exponentialSeries(
  values: readonly number[],
  period: number,
  weight: number,
): (number | null)[] {
  const out: (number | null)[] = [];
  let average = 0;
  values.forEach((x, i) => {
    if (i < period - 1) out.push(null);
    else if (i === period - 1) {
      average = mean(values.slice(0, period));
      out.push(average);
    } else {
      average = x * weight + average * (1 - weight);
      out.push(average);
    }
  });
  return out;
}

export const emaSeries = (values: readonly number[], period: number) =>
  exponentialSeries(values, period, 2 / (period + 1));
export const wilderSeries = (values: readonly number[], period: number) =>
  exponentialSeries(values, period, 1 / period);

export function ema(history: readonly number[], period: number): number | null {
  return emaSeries(history, period).at(-1) ?? null;
}

export function rsi(history: readonly number[], period: number): number | null {
  const changes = history.slice(1).map((x, i) => x - history[i]!);
  const gain =
    wilderSeries(
      changes.map((c) => Math.max(c, 0)),
      period,
    ).at(-1) ?? null;
  const loss =
    wilderSeries(
      changes.map((c) => Math.max(-c, 0)),
      period,
    ).at(-1) ?? null;
  if (gain === null || loss === null) return null;
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}

export function macd(
  history: readonly number[],
  fast: number,
  slow: number,
  signal: number,
): { macd: number; signal: number; histogram: number } | null {
  const fastSeries = emaSeries(history, fast);
  const line = emaSeries(history, slow)
    .map((s, i) => (s === null ? null : fastSeries[i]! - s))
    .filter((x): x is number => x !== null);
  const signalValue = emaSeries(line, signal).at(-1) ?? null;
  if (signalValue === null) return null;
  const last = line.at(-1)!;
  return { macd: last, signal: signalValue, histogram: last - signalValue };
}

/** Population standard deviation (divisor n). */
export function standardDeviation(history: readonly number[], period: number): number | null {
  if (history.length < period) return null;
  const window = history.slice(-period);
  const m = mean(window);
  return Math.sqrt(mean(window.map((x) => (x - m) ** 2)));
}

export function zScore(history: readonly number[], period: number): number | null {
  const deviation = standardDeviation(history, period);
  if (deviation === null) return null;
  return deviation === 0 ? 0 : (history.at(-1)! - mean(history.slice(-period))) / deviation;
}

export function bollinger(
  history: readonly number[],
  period: number,
  multiplier: number,
): { upper: number; middle: number; lower: number } | null {
  const deviation = standardDeviation(history, period);
  if (deviation === null) return null;
  const middle = mean(history.slice(-period));
  return { upper: middle + multiplier * deviation, middle, lower: middle - multiplier * deviation };
}

function trueRanges(bars: readonly BarInput[]): number[] {
  return bars.map((bar, i) => {
    if (i === 0) return bar.high - bar.low;
    const previous = bars[i - 1]!.close;
    return Math.max(bar.high - bar.low, Math.abs(bar.high - previous), Math.abs(bar.low - previous));
  });
}

export function atr(bars: readonly BarInput[], period: number): number | null {
  return wilderSeries(trueRanges(bars), period).at(-1) ?? null;
}

export function stochastic(
  bars: readonly BarInput[],
  kPeriod: number,
  kSmoothing: number,
  dPeriod: number,
): { k: number; d: number } | null {
  const fastK: number[] = [];
  for (let i = kPeriod - 1; i < bars.length; i++) {
    const window = bars.slice(i - kPeriod + 1, i + 1);
    const highest = Math.max(...window.map((b) => b.high));
    const lowest = Math.min(...window.map((b) => b.low));
    fastK.push(highest === lowest ? 50 : (100 * (bars[i]!.close - lowest)) / (highest - lowest));
  }
  const k: number[] = [];
  for (let i = kSmoothing; i <= fastK.length; i++) k.push(mean(fastK.slice(i - kSmoothing, i)));
  if (k.length < dPeriod) return null;
  return { k: k.at(-1)!, d: mean(k.slice(-dPeriod)) };
}

/** Wilder's ADX, directional movement and true range from the second bar on. */
export function adx(bars: readonly BarInput[], period: number): number | null {
  const ranges = trueRanges(bars).slice(1);
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 1; i < bars.length; i++) {
    const rise = bars[i]!.high - bars[i - 1]!.high;
    const fall = bars[i - 1]!.low - bars[i]!.low;
    up.push(rise > fall && rise > 0 ? rise : 0);
    down.push(fall > rise && fall > 0 ? fall : 0);
  }
  const range = wilderSeries(ranges, period);
  const plus = wilderSeries(up, period);
  const minus = wilderSeries(down, period);
  const dx: number[] = [];
  range.forEach((r, i) => {
    if (r === null) return;
    const plusDI = r > 0 ? (100 * plus[i]!) / r : 0;
    const minusDI = r > 0 ? (100 * minus[i]!) / r : 0;
    dx.push(plusDI + minusDI > 0 ? (100 * Math.abs(plusDI - minusDI)) / (plusDI + minusDI) : 0);
  });
  return wilderSeries(dx, period).at(-1) ?? null;
}

export function obv(bars: readonly BarInput[]): number | null {
  if (bars.length === 0) return null;
  let total = 0;
  for (let i = 1; i < bars.length; i++) {
    const change = bars[i]!.close - bars[i - 1]!.close;
    total += change > 0 ? bars[i]!.volume : change < 0 ? -bars[i]!.volume : 0;
  }
  return total;
}

/** VWAP of the typical price over the bars that share the last bar's New York date. */
export function sessionVwap(bars: readonly BarInput[]): number | null {
  const date = newYorkDate(bars.at(-1)!.startUs / 1000);
  const session = bars.filter((bar) => newYorkDate(bar.startUs / 1000) === date);
  const volume = sum(session.map((bar) => bar.volume));
  if (volume === 0) return null;
  return sum(session.map((bar) => ((bar.high + bar.low + bar.close) / 3) * bar.volume)) / volume;
}
