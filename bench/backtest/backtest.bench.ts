/**
 * backtest.bars: bars per second through the whole backtest path (strategy host, risk manager,
 * execution core, bar venue, portfolio, equity curve) for the moving-average cross (ma-cross, fast
 * 10, slow 30, $5,000 a trade) on a year of generated minute bars of five symbols (about 490,000
 * bars). Bars are loaded before the clock starts. The latency columns are per bar, one sample per
 * run; the order count per run is printed to stderr so the rate can be read against it.
 *
 * backtest.sweep.workers_1 and backtest.sweep.workers_all: the same run swept over a 4 × 4 grid of
 * (fast, slow) on one worker thread and on every core (os.availableParallelism()), in bars per
 * second across the sweep, so the two show how a sweep scales with cores. --scale shortens the year.
 */
import { availableParallelism } from 'node:os';
import { PassThrough } from 'node:stream';
import { type BacktestJob, runJob } from '../../backtest/backtest-job.ts';
import { generateBars } from '../../backtest/data/generated-bars.ts';
import type { HistoricalBars } from '../../backtest/data/historical-bars.ts';
import { runSweep } from '../../backtest/sweep/run-sweep.ts';
import { parseSweepSpec } from '../../backtest/sweep/sweep-grid.ts';
import { slippageModelSchema } from '../../shared/broker/alpaca/slippage-model.ts';
import { loadFeeRates, loadRiskLimits } from '../../shared/config/load-config.ts';
import { addDays } from '../../shared/time/new-york-time.ts';
import { type Benchmark, LatencyRecorder, throughputBenchmark } from '../harness.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'NVDA'];
const FROM = '2025-01-01';
const RUNS = 3;
const SWEEP = 'fast=4|6|8|10,slow=20|30|40|50';

function job(scale: number, shared: boolean): BacktestJob {
  const to = addDays(FROM, Math.max(5, Math.round(365 * scale)) - 1);
  const bars: HistoricalBars = generateBars({ seed: 1, symbols: SYMBOLS, from: FROM, to }).build({
    timeframe: '1Min',
    shared,
  });
  return {
    bars,
    strategy: 'ma-cross',
    params: {},
    limits: loadRiskLimits(new URL('../../config/risk_limits.toml', import.meta.url).pathname),
    startingCash: 100_000,
    slippage: slippageModelSchema.parse({ fixedBps: 1 }),
    fees: loadFeeRates(new URL('../../config/fees.toml', import.meta.url).pathname),
    from: FROM,
    to,
    source: 'generated market, seed 1',
    split: null,
    breakerReset: 'session',
    baseDir: process.cwd(),
  };
}

function sweepBenchmark(name: string, workers: number): Benchmark {
  return throughputBenchmark(name, async ({ scale }) => {
    const sweepJob = job(scale, true);
    const axes = parseSweepSpec(SWEEP);
    const runs = axes.reduce((product, axis) => product * axis.values.length, 1);
    const latencies = new LatencyRecorder();
    const started = performance.now();
    await runSweep({
      axes,
      module: new URL('../../backtest/sweep/backtest-worker.ts', import.meta.url),
      shared: sweepJob,
      rankBy: 'sharpe',
      workers,
      progress: { output: new PassThrough() },
    });
    const elapsedMs = performance.now() - started;
    const bars = runs * sweepJob.bars.length;
    latencies.recordNs((elapsedMs * 1e6) / bars);
    return { operations: bars, seconds: elapsedMs / 1000, latencies };
  });
}

export const benchmarks = [
  throughputBenchmark('backtest.bars', async ({ scale }) => {
    const barsJob = job(scale, false);
    const latencies = new LatencyRecorder();
    let operations = 0;
    let seconds = 0;
    await runJob(barsJob);
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const result = await runJob(barsJob);
      const elapsedMs = performance.now() - started;
      latencies.recordNs((elapsedMs * 1e6) / result.bars);
      operations += result.bars;
      seconds += elapsedMs / 1000;
      if (i === 0)
        process.stderr.write(`backtest.bars: ${result.bars} bars, ${result.orders} orders a run\n`);
    }
    return { operations, seconds, latencies };
  }),
  sweepBenchmark('backtest.sweep.workers_1', 1),
  sweepBenchmark('backtest.sweep.workers_all', availableParallelism()),
];
