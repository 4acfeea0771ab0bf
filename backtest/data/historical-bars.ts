/**
 * Bars of several symbols, columnar and in time order: the one input every backtest data source
 * (generated, CSV or replay files, Alpaca's REST) produces and the runner reads. Columns are typed
 * arrays so a year of minute bars costs tens of bytes per bar, and a sweep's worker threads can
 * share them (backed by a SharedArrayBuffer) instead of each loading its own copy.
 *
 * Order: by `startUs`, and for equal starts by symbol index, so a time slice's bars are adjacent.
 */
export const TIMEFRAMES = ['1Min', '5Min', '1Hour', '1Day'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export interface HistoricalBars {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Number of bars (every column has this length). */
  readonly length: number;
  /** Index into `symbols` of each bar. */
  readonly symbol: Uint16Array;
  /** Start of each bar's interval, epoch µs (as Alpaca labels bars). */
  readonly startUs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}
