/**
 * The backtest command: flags → risk limits, bars and strategy → one run with progress and its
 * report, a parameter sweep across worker threads with its ranked table, or (--aws) that sweep on
 * the sweep state machine (aws-sweep.ts). What a person reads goes to stdout (the summary, where
 * the files are); progress and problems go to stderr. Returns the exit code: 0 done, 1 the run
 * could not be made (bad data, config or model, a call to AWS or the sweep's execution that
 * failed), 2 bad flags.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { slippageModelSchema } from '../../shared/broker/alpaca/slippage-model.ts';
import { ConfigError } from '../../shared/config/config-error.ts';
import { parseFeeRates, parseRiskLimits, readConfigText } from '../../shared/config/load-config.ts';
import { ModelError } from '../../shared/models/model-error.ts';
import { type BacktestJob, runJob } from '../backtest-job.ts';
import { backtestStrategy, StrategyParamsError } from '../backtest-strategies.ts';
import { BarDataError } from '../data/bar-data-error.ts';
import type { HistoricalBars } from '../data/historical-bars.ts';
import { type BarSource, loadBars } from '../data/load-bars.ts';
import { createProgress, type ProgressOutput } from '../progress/progress-display.ts';
import { formatNewYorkTime } from '../progress/progress-format.ts';
import { computeMetrics } from '../report/metrics.ts';
import { writeReport } from '../report/write-report.ts';
import { newRunId } from '../sweep/aws/sweep-run-layout.ts';
import { runSweep } from '../sweep/run-sweep.ts';
import { parseSweepSpec, SweepSpecError } from '../sweep/sweep-grid.ts';
import { formatMetricValue, parseSweepMetric } from '../sweep/sweep-metrics.ts';
import { writeSweepTable } from '../sweep/sweep-table.ts';
import { sweepTitle } from '../sweep/sweep-table-view.ts';
import { AwsSweepError, runAwsSweep } from './aws-sweep.ts';
import { type AwsSweepTarget, awsSweepTarget } from './aws-sweep-target.ts';
import {
  BACKTEST_USAGE,
  type BacktestArgs,
  type DataSource,
  parseBacktestArgs,
  UsageError,
} from './backtest-args.ts';
import { describeSource } from './describe-source.ts';

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: ProgressOutput;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export async function backtestCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const say = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  let args: BacktestArgs | null;
  let target: AwsSweepTarget | null;
  try {
    args = parseBacktestArgs(argv);
    if (args === null) {
      say(BACKTEST_USAGE);
      return 0;
    }
    if (args.sweep !== null) parseSweepMetric(args.rank);
    target = args.aws === null ? null : awsSweepTarget(args.aws, io.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError) {
      io.stderr.write(`backtest: ${error.message}\n${BACKTEST_USAGE}\n`);
      return 2;
    }
    throw error;
  }
  try {
    return await run(args, target, io, say);
  } catch (error) {
    if (
      error instanceof AwsSweepError ||
      error instanceof BarDataError ||
      error instanceof ConfigError ||
      error instanceof ModelError ||
      error instanceof StrategyParamsError ||
      error instanceof SweepSpecError
    ) {
      io.stderr.write(`backtest: ${error.message}\n`);
      return error instanceof SweepSpecError ? 2 : 1;
    }
    throw error;
  }
}

async function run(
  args: BacktestArgs,
  target: AwsSweepTarget | null,
  io: CommandIo,
  say: (line: string) => void,
): Promise<number> {
  const riskFile = resolve(io.cwd, args.risk);
  const feesFile = resolve(io.cwd, args.feesFile);
  const risk = readConfigText(riskFile);
  const limits = parseRiskLimits(risk, riskFile);
  const axes = args.sweep === null ? null : parseSweepSpec(args.sweep);
  // The strategy and its parameters are checked before any bar is loaded (or downloaded).
  backtestStrategy(args.strategy, args.params, args.symbols, io.cwd);
  const bars = await loadBars({
    source: barSource(args.source, io),
    symbols: args.symbols,
    from: args.from,
    to: args.to,
    timeframe: args.timeframe,
    // A local sweep's workers read one copy of the columns.
    shared: axes !== null && target === null,
  });
  say(
    `${bars.length.toLocaleString('en-US')} ${args.timeframe} bars of ${bars.symbols.join(', ')} from ${args.from} to ${args.to} (${describeSource(args.source)})`,
  );
  const fees = readConfigText(feesFile);
  const slippage = slippageModelSchema.parse(args.slippage);
  const job: BacktestJob = {
    bars,
    strategy: args.strategy,
    params: args.params,
    limits,
    startingCash: args.cash,
    slippage,
    // The file's rates, any given as flags instead.
    fees: { ...parseFeeRates(fees, feesFile), ...args.fees },
    from: args.from,
    to: args.to,
    source: describeSource(args.source),
    split: args.split,
    breakerReset: args.breakerReset,
    baseDir: io.cwd,
  };
  if (target !== null && args.aws !== null && args.sweep !== null) {
    // The same settings as the job above, as the sweep functions rebuild it from job.json.
    return runAwsSweep(
      {
        runId: newRunId(Date.now(), randomBytes(4).toString('hex')),
        strategy: args.strategy,
        params: args.params,
        sweep: args.sweep,
        rankBy: parseSweepMetric(args.rank),
        symbols: [...bars.symbols],
        from: args.from,
        to: args.to,
        timeframe: args.timeframe,
        source: job.source,
        startingCash: args.cash,
        slippage,
        risk: { file: args.risk, toml: risk },
        fees: { file: args.feesFile, toml: fees, overrides: args.fees },
        split: args.split,
        breakerReset: args.breakerReset,
        bars,
      },
      target,
      args.aws.wait,
      { say, warn: (line) => io.stderr.write(`${line}\n`) },
    );
  }
  const out = resolve(io.cwd, args.out);
  if (axes !== null) return sweep(args, job, axes, out, io, say);
  return single(job, bars, out, io, say);
}

async function single(
  job: BacktestJob,
  bars: HistoricalBars,
  out: string,
  io: CommandIo,
  say: (line: string) => void,
): Promise<number> {
  const progress = createProgress<number>({
    total: bars.length,
    unit: 'bars',
    output: io.stderr,
    describe: formatNewYorkTime,
  });
  const started = performance.now();
  let result: Awaited<ReturnType<typeof runJob>>;
  try {
    result = await runJob(job, (done, simulatedMs) => progress.update(done, simulatedMs));
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const written = await writeReport(result, out);
  const metrics = computeMetrics(result);
  const count = (value: number) => value.toLocaleString('en-US');
  const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(2)}%`);
  const ratio = (value: number | null) => (value === null ? '–' : value.toFixed(2));
  say(
    `${bars.length.toLocaleString('en-US')} bars in ${seconds.toFixed(2)} s (${Math.round(bars.length / Math.max(seconds, 1e-9)).toLocaleString('en-US')} bars/s)`,
  );
  say(
    `total return ${percent(metrics.totalReturn)}, CAGR ${percent(metrics.cagr)}, Sharpe ${ratio(metrics.sharpe)}, max drawdown ${percent(metrics.maxDrawdown)}`,
  );
  say(
    `${count(result.orders)} orders, ${count(metrics.executions)} executions, ${count(metrics.roundTrips)} round trips, fees $${metrics.fees.toFixed(2)}, slippage $${metrics.slippage.toFixed(2)}`,
  );
  const refused = Object.entries(result.refusals);
  if (result.breakerResets > 0) {
    say(
      `the circuit breaker tripped and was reset at the next session's start ${result.breakerResets} times (--breaker-reset never leaves it tripped)`,
    );
  }
  if (refused.length > 0)
    say(`refused by risk or execution: ${refused.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  say(`report: ${written.htmlPath}`);
  say(`        ${written.jsonPath}`);
  return 0;
}

async function sweep(
  args: BacktestArgs,
  job: BacktestJob,
  axes: ReturnType<typeof parseSweepSpec>,
  out: string,
  io: CommandIo,
  say: (line: string) => void,
): Promise<number> {
  const rankBy = parseSweepMetric(args.rank);
  const runs = await runSweep({
    axes,
    module: new URL('../sweep/backtest-worker.ts', import.meta.url),
    shared: job,
    rankBy,
    ...(args.workers === null ? {} : { workers: args.workers }),
    progress: { output: io.stderr },
  });
  const table = await writeSweepTable(out, {
    title: sweepTitle(args.strategy, args.symbols, args.from, args.to),
    axes,
    runs,
    rankBy,
  });
  say(`${runs.length} runs, ranked by ${rankBy}:`);
  for (const ranked of table.ranked.slice(0, 5)) {
    const params = Object.entries(ranked.params)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    const value = ranked.metrics === null ? ranked.error : formatMetricValue(rankBy, ranked.metrics[rankBy]);
    say(`  ${ranked.rank}. ${params}: ${value}`);
  }
  say(`table: ${table.htmlPath}`);
  say(`       ${table.csvPath}`);
  return 0;
}

/** The flags' data source as the loader takes it: paths from the working directory, keys from the environment. */
function barSource(source: DataSource, io: CommandIo): BarSource {
  switch (source.kind) {
    case 'seed':
      return source;
    case 'data':
      return { kind: 'files', path: resolve(io.cwd, source.path) };
    case 'alpaca': {
      const keyId = io.env.APCA_API_KEY_ID;
      const secretKey = io.env.APCA_API_SECRET_KEY;
      if (!keyId || !secretKey) {
        throw new BarDataError('--alpaca: set APCA_API_KEY_ID and APCA_API_SECRET_KEY to your Alpaca keys');
      }
      return {
        kind: 'alpaca',
        alpaca: {
          keyId,
          secretKey,
          cacheDir: resolve(io.cwd, source.cacheDir),
          feed: source.feed,
          adjustment: source.adjustment,
          ...(io.env.APCA_API_DATA_URL ? { baseUrl: io.env.APCA_API_DATA_URL } : {}),
        },
      };
    }
  }
}
