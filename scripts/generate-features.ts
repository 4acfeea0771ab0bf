/**
 * node scripts/generate-features.ts [--out FOLDER] [--seed N] [--minutes N] [--horizon N]
 *
 * Runs the simulator's generated market (deterministic for a seed) on a virtual clock, passes
 * each symbol's minute bars through the FeaturePipeline and writes two CSV files for
 * scripts/train-models.py: `train.csv` from the seed, and `heldout.csv` (a few hundred rows) from
 * the next seed, a market the models never saw, with about one feature cell in 40 left empty (a
 * missing value) so the models' predictions on it cover missing-value handling. Each row is the features of one bar, then its
 * labels: `forward_return` (close `horizon` bars later / close − 1), `label_up` (1 when that
 * return is positive, else 0) and `label_class` (0 down, 1 flat, 2 up: beyond ±FLAT_BAND).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Bar } from '../shared/domain/market-data.ts';
import { FEATURE_NAMES, FeaturePipeline } from '../shared/features/feature-pipeline.ts';
import { ManualClock } from '../shared/time/clock.ts';
import { createMarket } from '../sim/market/market.ts';

const USAGE =
  'usage: node scripts/generate-features.ts [--out FOLDER] [--seed N] [--minutes N] [--horizon N]';
const SYMBOLS = ['AAPL', 'MSFT', 'SPY', 'TSLA', 'NVDA', 'AMD'];
const START_MS = Date.UTC(2026, 9, 5, 13, 30);
const MINUTE_MS = 60_000;
const HELDOUT_ROWS = 300;
/** Returns within ±5 bps over the horizon count as flat for label_class. */
const FLAT_BAND = 0.0005;
const LABELS = ['forward_return', 'label_up', 'label_class'];

const count = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be ≥ 1`);
const optionsSchema = z.object({
  out: z.string().min(1).default('.data/model-training'),
  seed: count('--seed').default(7),
  minutes: count('--minutes').default(4000),
  horizon: count('--horizon').default(5),
});

interface Sample {
  readonly features: Float64Array;
  readonly close: number;
}

/** Every symbol's feature rows (at most `rowsPerSymbol`), with labels once `horizon` later bars are known. */
function generate(
  seed: number,
  minutes: number,
  horizon: number,
  rowsPerSymbol = Number.POSITIVE_INFINITY,
): string[][] {
  const clock = new ManualClock(START_MS);
  const market = createMarket(
    {
      clock,
      seed,
      symbols: SYMBOLS,
      messagesPerSecond: 30,
      credentials: { keyId: 'GENERATOR', secretKey: 'GENERATOR' },
      sessionHours: 'always',
    },
    { historyCapacity: 16 },
  );
  const pipelines = new Map(SYMBOLS.map((symbol) => [symbol, new FeaturePipeline(FEATURE_NAMES)]));
  const samples = new Map<string, Sample[]>(SYMBOLS.map((symbol) => [symbol, []]));
  market.onBar((bar: Bar) => {
    if (bar.kind !== 'minute') return;
    const row = pipelines.get(bar.symbol)!.update(bar);
    // Bars before warm-up still count toward the horizon, so keep them without features.
    samples
      .get(bar.symbol)!
      .push({ features: row === null ? new Float64Array(0) : row.slice(), close: bar.close });
  });
  for (let minute = 1; minute <= minutes; minute++) market.advanceTo(START_MS + minute * MINUTE_MS);
  const rows: string[][] = [];
  for (const symbolSamples of samples.values()) {
    let taken = 0;
    for (let i = 0; i + horizon < symbolSamples.length && taken < rowsPerSymbol; i++) {
      const { features, close } = symbolSamples[i]!;
      if (features.length === 0) continue;
      const forward = symbolSamples[i + horizon]!.close / close - 1;
      const label = forward > FLAT_BAND ? 2 : forward < -FLAT_BAND ? 0 : 1;
      rows.push([...features, forward, forward > 0 ? 1 : 0, label].map(String));
      taken++;
    }
  }
  return rows;
}

/** Empties about one feature cell in 40, so the fidelity test covers missing values. */
function blankSomeFeatures(rows: string[][]): string[][] {
  return rows.map((row, r) =>
    row.map((cell, c) => (c < FEATURE_NAMES.length && (r * 7 + c * 3) % 40 === 0 ? '' : cell)),
  );
}

const csv = (header: string, rows: readonly string[][]): string =>
  `${header}\n${rows.map((row) => row.join(',')).join('\n')}\n`;

function main(argv: string[]): number {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        seed: { type: 'string' },
        minutes: { type: 'string' },
        horizon: { type: 'string' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((issue) => issue.message).join('; ')}\n${USAGE}`);
    return 2;
  }
  const { out, seed, minutes, horizon } = parsed.data;
  const header = [...FEATURE_NAMES, ...LABELS].join(',');
  mkdirSync(out, { recursive: true });
  const train = generate(seed, minutes, horizon);
  const perSymbol = HELDOUT_ROWS / SYMBOLS.length;
  const heldout = blankSomeFeatures(generate(seed + 1, perSymbol + 60, horizon, perSymbol));
  writeFileSync(join(out, 'train.csv'), csv(header, train));
  writeFileSync(join(out, 'heldout.csv'), csv(header, heldout));
  process.stdout.write(`wrote ${train.length} training rows and ${heldout.length} held-out rows to ${out}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
