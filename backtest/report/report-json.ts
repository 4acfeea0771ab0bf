/**
 * The report as data: everything report.json holds and report.html shows, built from a
 * BacktestResult, and its deterministic serialisation (same result, same bytes; see
 * canonical-json.ts). Pure: no clock, no paths, no files.
 */
import type { BacktestMeta, BacktestResult, TradeRecord } from '../backtest-result.ts';
import { canonicalJson } from './canonical-json.ts';
import { drawdownSeries } from './drawdown.ts';
import {
  type CurveMetrics,
  computeBenchmarkMetrics,
  computeMetrics,
  type PerformanceMetrics,
  tradingDaysPerYear,
} from './metrics.ts';
import { calendarReturns, type PeriodReturn } from './monthly-returns.ts';
import { sessionCloses } from './session-closes.ts';
import { type SliceRange, splitRanges, wholeRange } from './slice-range.ts';

/** Bumped when a field changes meaning or goes away, so readers of old reports can tell. */
export const REPORT_FORMAT_VERSION = 1;

export interface ReportMeta extends BacktestMeta {
  readonly bars: number;
  readonly orders: number;
  readonly refusals: Readonly<Record<string, number>>;
  readonly breakerResets: number;
  readonly slices: number;
  /** The annualisation the metrics used (365 for an all-crypto run, else 252). */
  readonly tradingDaysPerYear: number;
}

export interface ReportSplit {
  readonly fraction: number;
  /** First out-of-sample slice: floor(slices × fraction). */
  readonly firstOutOfSampleSlice: number;
  /** Its instant, epoch ms; null when the out-of-sample side is empty. */
  readonly outOfSampleFromMs: number | null;
}

/** Figures for the whole run and, under a split, for each side (null for a side with no slice). */
export interface Columns<T> {
  readonly all: T;
  readonly inSample: T | null;
  readonly outOfSample: T | null;
}

/** One New York date, at its last slice. */
export interface DailyPoint {
  readonly date: string;
  readonly timeMs: number;
  readonly equity: number;
  readonly benchmark: number;
  /** The deepest per-slice drawdown during the date, so the chart's trough is the metric's. */
  readonly drawdown: number;
  readonly benchmarkDrawdown: number;
}

export interface BacktestReport {
  readonly formatVersion: number;
  readonly meta: ReportMeta;
  readonly split: ReportSplit | null;
  readonly metrics: Columns<PerformanceMetrics>;
  readonly benchmark: Columns<CurveMetrics>;
  readonly monthlyReturns: readonly PeriodReturn[];
  readonly yearlyReturns: readonly PeriodReturn[];
  readonly daily: readonly DailyPoint[];
  readonly trades: readonly TradeRecord[];
}

export function buildReport(result: BacktestResult): BacktestReport {
  const { meta, equity: curve } = result;
  const slices = curve.timeMs.length;
  if (slices === 0) throw new RangeError('a backtest with no time slices has nothing to report');
  const all = wholeRange(curve);
  const split = meta.split === null ? null : splitRanges(slices, meta.split);
  const columns = <T>(compute: (range: SliceRange) => T): Columns<T> => ({
    all: compute(all),
    inSample: split?.inSample ? compute(split.inSample) : null,
    outOfSample: split?.outOfSample ? compute(split.outOfSample) : null,
  });
  const calendar = calendarReturns(curve.timeMs, curve.equity, all, meta.startingCash);
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    meta: {
      strategy: meta.strategy,
      params: { ...meta.params },
      symbols: [...meta.symbols],
      from: meta.from,
      to: meta.to,
      timeframe: meta.timeframe,
      source: meta.source,
      startingCash: meta.startingCash,
      fillModel: { ...meta.fillModel },
      split: meta.split,
      breakerReset: meta.breakerReset,
      breakerResets: result.breakerResets,
      bars: result.bars,
      orders: result.orders,
      refusals: { ...result.refusals },
      slices,
      tradingDaysPerYear: tradingDaysPerYear(meta.symbols),
    },
    split:
      split === null || meta.split === null
        ? null
        : {
            fraction: meta.split,
            firstOutOfSampleSlice: split.index,
            outOfSampleFromMs: split.outOfSample ? curve.timeMs[split.index]! : null,
          },
    metrics: columns((range) => computeMetrics(result, range)),
    benchmark: columns((range) => computeBenchmarkMetrics(result, range)),
    monthlyReturns: calendar.months,
    yearlyReturns: calendar.years,
    daily: dailyPoints(result),
    trades: result.trades.map(copyTrade),
  };
}

/** The report's bytes for report.json. */
export function reportJson(report: BacktestReport): string {
  return canonicalJson(report);
}

function dailyPoints(result: BacktestResult): DailyPoint[] {
  const { timeMs, equity, benchmark } = result.equity;
  const all = wholeRange(result.equity);
  const drawdown = drawdownSeries(equity, all, result.meta.startingCash);
  const benchmarkDrawdown = drawdownSeries(benchmark, all, result.meta.startingCash);
  const { dates, lastSlice } = sessionCloses(timeMs, all);
  let firstSlice = 0;
  return dates.map((date, day) => {
    const last = lastSlice[day]!;
    const deepest = (series: Float64Array): number =>
      series.subarray(firstSlice, last + 1).reduce((low, value) => Math.min(low, value));
    const point = {
      date,
      timeMs: timeMs[last]!,
      equity: equity[last]!,
      benchmark: benchmark[last]!,
      drawdown: deepest(drawdown),
      benchmarkDrawdown: deepest(benchmarkDrawdown),
    };
    firstSlice = last + 1;
    return point;
  });
}

/** Only the contract's fields, in case a runner hands over richer objects. */
function copyTrade(trade: TradeRecord): TradeRecord {
  return {
    timeMs: trade.timeMs,
    strategyId: trade.strategyId,
    symbol: trade.symbol,
    side: trade.side,
    qty: trade.qty,
    price: trade.price,
    fee: trade.fee,
    slippage: trade.slippage,
    realizedPnl: trade.realizedPnl,
    positionAfter: trade.positionAfter,
  };
}
