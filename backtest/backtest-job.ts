/**
 * One backtest as plain data (what to run, on which bars, under which limits and fill model) and
 * the function that runs it. The command runs one job; a sweep sends the same job to its worker
 * threads and varies the parameters, so a sweep's run is exactly the run the command would make.
 */
import type { SlippageModel } from '../shared/broker/alpaca/slippage-model.ts';
import type { FeeRates } from '../shared/config/fees-schema.ts';
import type { RiskLimits } from '../shared/config/risk-schema.ts';
import type { BacktestResult } from './backtest-result.ts';
import { backtestStrategy, type Params } from './backtest-strategies.ts';
import type { HistoricalBars } from './data/historical-bars.ts';
import { runBacktest } from './run-backtest.ts';

export interface BacktestJob {
  readonly bars: HistoricalBars;
  readonly strategy: string;
  readonly params: Params;
  readonly limits: RiskLimits;
  readonly startingCash: number;
  readonly slippage: SlippageModel;
  readonly fees: FeeRates;
  /** The range asked for (New York dates), the data source as the user named it, the split. */
  readonly from: string;
  readonly to: string;
  readonly source: string;
  readonly split: number | null;
  readonly breakerReset: 'session' | 'never';
  /** What a model manifest's path is relative to. */
  readonly baseDir: string;
}

export function runJob(
  job: BacktestJob,
  onProgress?: (barsDone: number, simulatedMs: number) => void,
): Promise<BacktestResult> {
  const { bars } = job;
  const { strategy, params } = backtestStrategy(job.strategy, job.params, bars.symbols, job.baseDir);
  return runBacktest({
    bars,
    strategies: [strategy],
    limits: job.limits,
    startingCash: job.startingCash,
    slippage: job.slippage,
    fees: job.fees,
    meta: {
      strategy: job.strategy,
      params,
      symbols: bars.symbols,
      from: job.from,
      to: job.to,
      timeframe: bars.timeframe,
      source: job.source,
      startingCash: job.startingCash,
      fillModel: {
        rule: 'next bar open; limits and stops at their price when the range touches it, at the open when it gaps through',
        slippageFixedBps: job.slippage.fixedBps,
        slippageSizeImpactBps: job.slippage.sizeImpactBps,
        secFeePerMillion: job.fees.secFeePerMillion,
        tafPerShare: job.fees.tafPerShare,
        tafMaxPerTrade: job.fees.tafMaxPerTrade,
        commissionPerShare: job.fees.commissionPerShare,
      },
      split: job.split,
      breakerReset: job.breakerReset,
    },
    breakerReset: job.breakerReset,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
}
