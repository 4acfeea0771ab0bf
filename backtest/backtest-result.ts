/**
 * What a backtest run produces, before any report is made of it: the run's inputs as given, the
 * equity curve (one point per time slice: after every bar starting at that instant was processed),
 * the buy-and-hold benchmark of the same symbols on the same slices, and every execution. Plain
 * numbers (floats) for reporting; the ledgers that produced them are exact fixed-point.
 */
import type { Timeframe } from './data/historical-bars.ts';

export interface BacktestMeta {
  /** The strategy name given on the command line (e.g. ma-cross) and its parameters as resolved. */
  readonly strategy: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly symbols: readonly string[];
  /** New York dates, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly timeframe: Timeframe;
  /** e.g. "seed 1", "csv data/bars.csv", "alpaca (split-adjusted)". */
  readonly source: string;
  readonly startingCash: number;
  /** The fill model as configured (slippage, fee rates), echoed so a report says what it assumed. */
  readonly fillModel: Readonly<Record<string, number | string>>;
  /** Fraction of the time slices that is in-sample (e.g. 0.7), or null without --split. */
  readonly split: number | null;
  /**
   * 'session': a circuit breaker that tripped is reset when the next session starts, as the desk's
   * operator would after review; 'never': it stays as risk left it (with auto_resume off, refusing
   * new entries to the end of the run).
   */
  readonly breakerReset: 'session' | 'never';
}

/** Columns of equal length, one entry per time slice, in time order. */
export interface EquityCurve {
  /** The slice's instant: the end (close) of its bars, epoch ms. */
  readonly timeMs: Float64Array;
  /** Cash plus positions marked at each symbol's latest close, fees paid deducted. */
  readonly equity: Float64Array;
  /** Buy-and-hold: the starting cash split equally across the symbols at their first close. */
  readonly benchmark: Float64Array;
  /** Sum of |position value| at the slice, in dollars (exposure = gross / equity). */
  readonly gross: Float64Array;
}

export interface TradeRecord {
  /** Execution time, epoch ms. */
  readonly timeMs: number;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  /** Regulatory fees charged on this execution (sales only for equities), dollars. */
  readonly fee: number;
  /** What slippage cost on this execution against the fill rule's price, dollars (≥ 0). */
  readonly slippage: number;
  /** P&L this execution realised (closing part of a position, average-cost basis), before fees. */
  readonly realizedPnl: number;
  /** The position in the symbol after the execution (signed). */
  readonly positionAfter: number;
}

export interface BacktestResult {
  readonly meta: BacktestMeta;
  readonly equity: EquityCurve;
  readonly trades: readonly TradeRecord[];
  /** Bars the run processed. */
  readonly bars: number;
  /** Orders the strategy's intents became, and the intents risk refused (with their reasons). */
  readonly orders: number;
  readonly refusals: Readonly<Record<string, number>>;
  /** Times a tripped circuit breaker was reset at a session's start (BacktestMeta.breakerReset). */
  readonly breakerResets: number;
}
