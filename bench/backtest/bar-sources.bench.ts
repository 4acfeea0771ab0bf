/**
 * The backtest's data sources on a year of minute bars of five symbols (about 490,000 bars for
 * equities, 2.6 million for crypto pairs): backtest.csv_parse reads them from one CSV file with RFC
 * 3339 timestamps (loadBarFiles: read, parse, validate, collect); backtest.generate_equities and
 * backtest.generate_crypto make them from a seed (generateBars). ops_per_s is bars per second; the
 * latency columns are per bar, one sample per run. --scale shortens the year.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBarFiles } from '../../backtest/data/bar-files.ts';
import { generateBars } from '../../backtest/data/generated-bars.ts';
import { formatRfc3339Us } from '../../shared/broker/alpaca/market-data/rfc3339.ts';
import { addDays } from '../../shared/time/new-york-time.ts';
import { type Benchmark, LatencyRecorder, throughputBenchmark } from '../harness.ts';

const EQUITIES = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'NVDA'];
const CRYPTO = ['BTC/USD', 'ETH/USD', 'SOL/USD', 'LTC/USD', 'DOGE/USD'];
const FROM = '2024-01-01';
const RUNS = 3;

function range(scale: number): { from: string; to: string } {
  return { from: FROM, to: addDays(FROM, Math.max(5, Math.round(365 * scale)) - 1) };
}

async function timedRuns(
  run: () => number,
): Promise<{ operations: number; seconds: number; latencies: LatencyRecorder }> {
  const latencies = new LatencyRecorder();
  let operations = 0;
  let seconds = 0;
  run();
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const bars = run();
    const elapsedMs = performance.now() - started;
    latencies.recordNs((elapsedMs * 1e6) / bars);
    operations += bars;
    seconds += elapsedMs / 1000;
  }
  return { operations, seconds, latencies };
}

function generated(name: string, symbols: readonly string[]): Benchmark {
  return throughputBenchmark(name, async ({ scale }) =>
    timedRuns(() => {
      const bars = generateBars({ seed: 1, symbols, ...range(scale) });
      return bars.symbols.reduce((sum, _, index) => sum + bars.series(index).length, 0);
    }),
  );
}

export const benchmarks = [
  throughputBenchmark('backtest.csv_parse', async ({ scale }) => {
    const bars = generateBars({ seed: 1, symbols: EQUITIES, ...range(scale) }).build({ timeframe: '1Min' });
    const lines = ['timestamp,symbol,open,high,low,close,volume'];
    for (let i = 0; i < bars.length; i++) {
      const time = formatRfc3339Us(bars.startUs[i]!).replace('.000000', '');
      lines.push(
        `${time},${bars.symbols[bars.symbol[i]!]},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`,
      );
    }
    const folder = mkdtempSync(join(tmpdir(), 'bench-bars-'));
    const file = join(folder, 'bars.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    try {
      return await timedRuns(() => {
        loadBarFiles(file);
        return bars.length;
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }),
  generated('backtest.generate_equities', EQUITIES),
  generated('backtest.generate_crypto', CRYPTO),
];
