/**
 * The report's performance metrics, computed from a run's equity curve and executions over a
 * range of its slices. Pure. Every definition here is the one docs/backtest.md ("Report") states;
 * a metric that is undefined for the data (no trades, zero volatility, a single day) is null,
 * never NaN or Infinity.
 */
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import { newYorkDate } from '../../shared/time/new-york-time.ts';
import type { BacktestResult } from '../backtest-result.ts';
import { maxDrawdown } from './drawdown.ts';
import { sessionCloses } from './session-closes.ts';
import { baseValue, type SliceRange, tradesInRange, wholeRange } from './slice-range.ts';
import { type TradeStatistics, tradeStatistics } from './trade-statistics.ts';

const MS_PER_DAY = 86_400_000;
const MS_PER_YEAR = 365.25 * MS_PER_DAY;
/**
 * A sample standard deviation below this is float noise (a curve growing by the same fraction
 * every day computes to about 1e-18), and dividing by it would rank such a curve's Sharpe in the
 * quadrillions: it counts as zero volatility.
 */
const ZERO_DEVIATION = 1e-12;

/** Metrics any value curve has: the strategy's equity and the buy-and-hold benchmark alike. */
export interface CurveMetrics {
  /** The value the first return is measured against (the starting cash for a range that opens the run). */
  readonly startValue: number;
  /** The value at the range's last slice. */
  readonly endValue: number;
  /** endValue / startValue − 1; null when the start value is not positive (a ruined curve at a split). */
  readonly totalReturn: number | null;
  /** (endValue / startValue)^(1 / years) − 1 over the first-to-last slice span; null under a day. */
  readonly cagr: number | null;
  /** Sample standard deviation of the daily returns × √(trading days a year); null under 2 days. */
  readonly annualisedVolatility: number | null;
  /** Mean / sample standard deviation of the daily returns × √(trading days a year); null under 2 days or at zero volatility. */
  readonly sharpe: number | null;
  /** Mean daily return / downside deviation (target 0, over all days) × √(trading days a year); null under 2 days or without a losing day. */
  readonly sortino: number | null;
  /** Deepest per-slice fall below the running peak (the start value is the first peak), a fraction ≤ 0. */
  readonly maxDrawdown: number | null;
  /** Calendar days from the New York date of that drawdown's peak to that of its recovery (or of the last slice); 0 without a drawdown. */
  readonly maxDrawdownDays: number | null;
  /** Whether the curve got back to that peak within the range. */
  readonly maxDrawdownRecovered: boolean | null;
  /** cagr / |maxDrawdown|; null when either is undefined or there is no drawdown. */
  readonly calmar: number | null;
}

export interface PerformanceMetrics extends CurveMetrics, TradeStatistics {
  /** New York dates of the range's first and last slice. */
  readonly from: string;
  readonly to: string;
  readonly slices: number;
  /** New York dates with a slice: the number of daily returns. */
  readonly days: number;
  /** Mean of gross position value / equity over the slices with positive equity; null without one. */
  readonly exposure: number | null;
  /** Traded notional / mean equity over the range's slices; null when mean equity ≤ 0. */
  readonly turnover: number | null;
  /** turnover / years over the first-to-last slice span; null under a day. */
  readonly annualisedTurnover: number | null;
}

/**
 * Trading days a year for annualising daily figures: 365 when every symbol is crypto (it trades
 * every calendar day, and each New York date is a return), else 252 (US equity sessions; a mixed
 * run's returns are dominated by session days).
 */
export function tradingDaysPerYear(symbols: readonly string[]): number {
  return symbols.length > 0 && symbols.every(isCryptoSymbol) ? 365 : 252;
}

/** The strategy's metrics over a range of slices (default: the whole run), e.g. to rank a parameter sweep. */
export function computeMetrics(
  result: BacktestResult,
  range: SliceRange = wholeRange(result.equity),
): PerformanceMetrics {
  const { timeMs, equity, gross } = result.equity;
  const curve = curveMetrics(
    timeMs,
    equity,
    range,
    baseValue(equity, range, result.meta.startingCash),
    tradingDaysPerYear(result.meta.symbols),
  );
  const trades = tradeStatistics(tradesInRange(result.trades, timeMs, range));
  let exposureSum = 0;
  let exposureSlices = 0;
  let equitySum = 0;
  for (let i = range.start; i < range.end; i++) {
    equitySum += equity[i]!;
    if (equity[i]! > 0) {
      exposureSum += gross[i]! / equity[i]!;
      exposureSlices += 1;
    }
  }
  const meanEquity = equitySum / (range.end - range.start);
  const turnover = meanEquity > 0 ? trades.tradedNotional / meanEquity : null;
  const years = yearsSpanned(timeMs, range);
  const days = sessionCloses(timeMs, range).dates;
  return {
    from: days[0]!,
    to: days.at(-1)!,
    slices: range.end - range.start,
    days: days.length,
    ...curve,
    ...trades,
    exposure: exposureSlices > 0 ? exposureSum / exposureSlices : null,
    turnover,
    annualisedTurnover: turnover !== null && years !== null ? turnover / years : null,
  };
}

/** The buy-and-hold benchmark's metrics over the same range, on the same definitions. */
export function computeBenchmarkMetrics(
  result: BacktestResult,
  range: SliceRange = wholeRange(result.equity),
): CurveMetrics {
  const { timeMs, benchmark } = result.equity;
  return curveMetrics(
    timeMs,
    benchmark,
    range,
    baseValue(benchmark, range, result.meta.startingCash),
    tradingDaysPerYear(result.meta.symbols),
  );
}

export function curveMetrics(
  timeMs: Float64Array,
  values: Float64Array,
  range: SliceRange,
  startValue: number,
  daysPerYear: number,
): CurveMetrics {
  if (range.end <= range.start) throw new RangeError('metrics need at least one time slice');
  const endValue = values[range.end - 1]!;
  if (!(startValue > 0)) return undefinedCurve(startValue, endValue);
  const growth = endValue / startValue;
  const years = yearsSpanned(timeMs, range);
  // A curve that lost everything lost all of it every year: the limit of growth^(1/years) − 1.
  const cagr = years === null ? null : growth > 0 ? growth ** (1 / years) - 1 : -1;

  const returns = dailyReturns(timeMs, values, range, startValue);
  let annualisedVolatility: number | null = null;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (returns !== null && returns.length >= 2) {
    const mean = returns.reduce((sum, r) => sum + r, 0) / returns.length;
    const variance = returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (returns.length - 1);
    const deviation = Math.sqrt(variance) < ZERO_DEVIATION ? 0 : Math.sqrt(variance);
    const downside = Math.sqrt(returns.reduce((sum, r) => sum + Math.min(r, 0) ** 2, 0) / returns.length);
    const annualiser = Math.sqrt(daysPerYear);
    annualisedVolatility = deviation * annualiser;
    sharpe = deviation > 0 ? (mean / deviation) * annualiser : null;
    sortino = downside >= ZERO_DEVIATION ? (mean / downside) * annualiser : null;
  }

  const drawdown = maxDrawdown(values, range, startValue);
  let maxDrawdownDays = 0;
  if (drawdown !== null) {
    const peakTime = timeMs[drawdown.peakSlice === -1 ? range.start : drawdown.peakSlice]!;
    const endTime = timeMs[drawdown.recoverySlice ?? range.end - 1]!;
    maxDrawdownDays = calendarDaysBetween(peakTime, endTime);
  }
  const depth = drawdown?.depth ?? 0;
  return {
    startValue,
    endValue,
    totalReturn: growth - 1,
    cagr,
    annualisedVolatility,
    sharpe,
    sortino,
    maxDrawdown: depth,
    maxDrawdownDays,
    maxDrawdownRecovered: drawdown === null || drawdown.recoverySlice !== null,
    calmar: cagr !== null && depth < 0 ? cagr / -depth : null,
  };
}

/**
 * Returns from one New York date's last slice to the next; the first against the start value.
 * Null when a value a return is measured against is not positive: there is no return on nothing.
 */
export function dailyReturns(
  timeMs: Float64Array,
  values: Float64Array,
  range: SliceRange,
  startValue: number,
): number[] | null {
  const returns: number[] = [];
  let previous = startValue;
  for (const slice of sessionCloses(timeMs, range).lastSlice) {
    if (!(previous > 0)) return null;
    returns.push(values[slice]! / previous - 1);
    previous = values[slice]!;
  }
  return returns;
}

function undefinedCurve(startValue: number, endValue: number): CurveMetrics {
  return {
    startValue,
    endValue,
    totalReturn: null,
    cagr: null,
    annualisedVolatility: null,
    sharpe: null,
    sortino: null,
    maxDrawdown: null,
    maxDrawdownDays: null,
    maxDrawdownRecovered: null,
    calmar: null,
  };
}

/** Years from the range's first to its last slice; null for a span under a day, too short to annualise. */
function yearsSpanned(timeMs: Float64Array, range: SliceRange): number | null {
  const span = timeMs[range.end - 1]! - timeMs[range.start]!;
  return span >= MS_PER_DAY ? span / MS_PER_YEAR : null;
}

function calendarDaysBetween(fromMs: number, toMs: number): number {
  return (Date.parse(newYorkDate(toMs)) - Date.parse(newYorkDate(fromMs))) / MS_PER_DAY;
}
