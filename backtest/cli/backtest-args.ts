/**
 * The backtest command's flags, validated together: every problem is reported at once, naming the
 * flag and what it takes. Values become the types the run needs; nothing is read from disk here.
 */
import { z } from 'zod';
import { parseFlags } from '../../shared/cli/parse-flags.ts';
import { type Params, paramValue } from '../backtest-strategies.ts';
import { TIMEFRAMES } from '../data/historical-bars.ts';

export const BACKTEST_USAGE = `usage: npm run backtest -- --strategy NAME [--param k=v ...] --symbols A,B --from YYYY-MM-DD --to YYYY-MM-DD
         (--seed S | --data FILE_OR_DIR | --alpaca [--feed iex|sip] [--adjustment raw|split|dividend|all] [--cache-dir DIR])
         [--timeframe 1Min|5Min|1Hour|1Day] [--risk FILE] [--fees FILE] [--breaker-reset session|never] [--cash USD] [--split 0.7] [--out DIR]
         [--slippage-bps N] [--spread-bps N] [--impact-bps N] [--sec-fee-per-million N] [--taf-per-share N] [--taf-max N]
         [--sweep name=from:to:step,... [--rank METRIC] [--workers N | --aws [--sweep-state-machine ARN] [--sweep-bucket NAME] [--no-wait]]]
strategies: ma-cross (fast, slow, notional), trend-following, mean-reversion, model-driven (manifest=FILE)`;

/** Bad flags: the message lists every problem; the command exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type DataSource =
  | { readonly kind: 'seed'; readonly seed: number }
  | { readonly kind: 'data'; readonly path: string }
  | {
      readonly kind: 'alpaca';
      readonly feed: 'iex' | 'sip';
      readonly adjustment: 'raw' | 'split' | 'dividend' | 'all';
      readonly cacheDir: string;
    };

export interface BacktestArgs {
  readonly strategy: string;
  readonly params: Params;
  readonly symbols: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly timeframe: (typeof TIMEFRAMES)[number];
  readonly source: DataSource;
  readonly risk: string;
  /** The fee rates file (config/fees.toml by default); the fee flags override its values. */
  readonly feesFile: string;
  readonly cash: number;
  readonly split: number | null;
  readonly out: string;
  readonly slippage: { readonly fixedBps: number; readonly sizeImpactBps: number };
  readonly fees: {
    readonly secFeePerMillion?: number;
    readonly tafPerShare?: number;
    readonly tafMaxPerTrade?: number;
  };
  readonly sweep: string | null;
  readonly rank: string;
  readonly workers: number | null;
  readonly breakerReset: 'session' | 'never';
  /** --aws: the sweep runs on the sweep state machine (docs/backtest.md, "Sweeps on AWS"). */
  readonly aws: AwsSweepFlags | null;
}

/** Where a sweep on AWS runs, as far as flags say (the environment may say the rest). */
export interface AwsSweepFlags {
  readonly stateMachineArn: string | null;
  readonly bucket: string | null;
  /** false with --no-wait: print where the results will be and exit once the execution started. */
  readonly wait: boolean;
}

const OPTIONS = {
  strategy: { type: 'string' },
  param: { type: 'string', multiple: true },
  symbols: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  timeframe: { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  alpaca: { type: 'boolean' },
  feed: { type: 'string' },
  adjustment: { type: 'string' },
  'cache-dir': { type: 'string' },
  risk: { type: 'string' },
  fees: { type: 'string' },
  cash: { type: 'string' },
  split: { type: 'string' },
  out: { type: 'string' },
  'slippage-bps': { type: 'string' },
  'spread-bps': { type: 'string' },
  'impact-bps': { type: 'string' },
  'sec-fee-per-million': { type: 'string' },
  'taf-per-share': { type: 'string' },
  'taf-max': { type: 'string' },
  sweep: { type: 'string' },
  rank: { type: 'string' },
  workers: { type: 'string' },
  'breaker-reset': { type: 'string' },
  aws: { type: 'boolean' },
  'sweep-state-machine': { type: 'string' },
  'sweep-bucket': { type: 'string' },
  'no-wait': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const date = (flag: string) =>
  z
    .string({ error: `--${flag} YYYY-MM-DD is required` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `--${flag} takes a date as YYYY-MM-DD`)
    .refine(
      (text) =>
        !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
        new Date(`${text}T00:00:00Z`).toISOString().startsWith(text),
      {
        message: `--${flag} is not a calendar date`,
      },
    );

const number = (flag: string, schema: z.ZodNumber) =>
  z
    .string()
    .transform((text, context) => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) {
        context.addIssue({
          code: 'custom',
          message: `--${flag} takes a number, not ${JSON.stringify(text)}`,
        });
        return z.NEVER;
      }
      return value;
    })
    .pipe(schema)
    .optional();

const argsSchema = z.object({
  strategy: z.string({ error: '--strategy NAME is required' }).min(1, '--strategy needs a name'),
  param: z.array(z.string()).default([]),
  symbols: z
    .string({ error: '--symbols A,B is required' })
    .transform((text) => text.split(',').map((symbol) => symbol.trim().toUpperCase()))
    .refine((list) => list.every((symbol) => /^[A-Z][A-Z0-9.]{0,9}(\/[A-Z]{2,5})?$/.test(symbol)), {
      message: '--symbols takes symbols separated by commas, such as AAPL,MSFT or BTC/USD',
    })
    .refine((list) => new Set(list).size === list.length, { message: '--symbols names a symbol twice' }),
  from: date('from'),
  to: date('to'),
  timeframe: z
    .enum(TIMEFRAMES, { error: `--timeframe takes one of ${TIMEFRAMES.join(', ')}` })
    .default('1Min'),
  seed: number('seed', z.number().int('--seed takes a whole number').min(0, '--seed takes a number ≥ 0')),
  data: z.string().min(1, '--data needs a file or folder').optional(),
  alpaca: z.boolean().optional(),
  feed: z.enum(['iex', 'sip'], { error: '--feed takes iex or sip' }).default('iex'),
  adjustment: z
    .enum(['raw', 'split', 'dividend', 'all'], { error: '--adjustment takes raw, split, dividend or all' })
    .default('raw'),
  'cache-dir': z.string().min(1).default('.data/bars'),
  risk: z.string().min(1).default('config/risk_limits.toml'),
  fees: z.string().min(1).default('config/fees.toml'),
  cash: number('cash', z.number().positive('--cash must be more than 0')),
  split: number(
    'split',
    z.number().gt(0, '--split is a fraction between 0 and 1').lt(1, '--split is a fraction between 0 and 1'),
  ),
  out: z.string().min(1).default('backtest-report'),
  'slippage-bps': number('slippage-bps', z.number().min(0, '--slippage-bps must be ≥ 0').max(1_000)),
  'spread-bps': number('spread-bps', z.number().min(0, '--spread-bps must be ≥ 0').max(2_000)),
  'impact-bps': number('impact-bps', z.number().min(0, '--impact-bps must be ≥ 0').max(1_000)),
  'sec-fee-per-million': number('sec-fee-per-million', z.number().min(0).max(10_000)),
  'taf-per-share': number('taf-per-share', z.number().min(0).max(1)),
  'taf-max': number('taf-max', z.number().min(0).max(10_000)),
  sweep: z.string().min(1, '--sweep needs a grid such as fast=5:50:5').optional(),
  rank: z.string().default('sharpe'),
  'breaker-reset': z
    .enum(['session', 'never'], { error: '--breaker-reset takes session or never' })
    .default('session'),
  workers: number(
    'workers',
    z.number().int('--workers takes a whole number').min(1, '--workers takes 1 or more'),
  ),
  aws: z.boolean().optional(),
  'sweep-state-machine': z
    .string()
    .min(1, '--sweep-state-machine needs the ARN of the sweep state machine')
    .optional(),
  'sweep-bucket': z.string().min(1, '--sweep-bucket needs the name of the sweep bucket').optional(),
  'no-wait': z.boolean().optional(),
});

/**
 * Problems that involve more than one flag, checked on the raw values so they are reported with
 * the others even when some flag is wrong on its own.
 */
function crossFlagProblems(values: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const given = (flag: string) => values[flag] !== undefined;
  const sources = ['seed', 'data'].filter(given).length + (values.alpaca === true ? 1 : 0);
  if (sources !== 1) problems.push('give exactly one data source: --seed S, --data FILE_OR_DIR or --alpaca');
  const { from, to } = values;
  if (typeof from === 'string' && typeof to === 'string' && from > to)
    problems.push(`--from ${from} is after --to ${to}`);
  for (const flag of ['feed', 'adjustment', 'cache-dir']) {
    if (given(flag) && values.alpaca !== true) problems.push(`--${flag} applies to --alpaca only`);
  }
  for (const flag of ['rank', 'workers']) {
    if (given(flag) && !given('sweep')) problems.push(`--${flag} applies to --sweep only`);
  }
  for (const flag of ['sweep-state-machine', 'sweep-bucket', 'no-wait']) {
    if (given(flag) && values.aws !== true) problems.push(`--${flag} applies to --aws only`);
  }
  if (values.aws === true) {
    if (!given('sweep')) problems.push('--aws runs a --sweep on AWS: give --sweep GRID too');
    if (given('workers'))
      problems.push(
        "--workers applies to a local sweep only: on AWS the state machine's MaxConcurrency sets it",
      );
    if (given('out'))
      problems.push('--out applies to local runs only: with --aws the table is written to the sweep bucket');
    if (values.strategy === 'model-driven')
      problems.push('--aws cannot run model-driven: its model files are not sent to the sweep functions');
  }
  return problems;
}

/** Parses the command line; throws UsageError listing every problem. Returns null for --help. */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgs | null {
  const parsed = parseFlags(argv, OPTIONS);
  if ('problem' in parsed) throw new UsageError(parsed.problem);
  const { values } = parsed;
  if (values.help === true) return null;
  const result = argsSchema.safeParse(values);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => issue.message)),
    ...crossFlagProblems(values),
  ];
  if (!result.success || problems.length > 0) throw new UsageError(problems.join('\n'));
  const args = result.data;
  const params: Record<string, ReturnType<typeof paramValue>> = {};
  for (const pair of args.param) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.push(`--param takes name=value, not ${JSON.stringify(pair)}`);
      continue;
    }
    params[pair.slice(0, at)] = paramValue(pair.slice(at + 1));
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  const source: DataSource =
    args.seed !== undefined
      ? { kind: 'seed', seed: args.seed }
      : args.data !== undefined
        ? { kind: 'data', path: args.data }
        : { kind: 'alpaca', feed: args.feed, adjustment: args.adjustment, cacheDir: args['cache-dir'] };
  return {
    strategy: args.strategy,
    params,
    symbols: args.symbols,
    from: args.from,
    to: args.to,
    timeframe: args.timeframe,
    source,
    risk: args.risk,
    feesFile: args.fees,
    cash: args.cash ?? 100_000,
    split: args.split ?? null,
    out: args.out,
    // A constant spread costs a taker half of it on top of any other slippage.
    slippage: {
      fixedBps: (args['slippage-bps'] ?? 0) + (args['spread-bps'] ?? 0) / 2,
      sizeImpactBps: args['impact-bps'] ?? 0,
    },
    fees: {
      ...(args['sec-fee-per-million'] === undefined ? {} : { secFeePerMillion: args['sec-fee-per-million'] }),
      ...(args['taf-per-share'] === undefined ? {} : { tafPerShare: args['taf-per-share'] }),
      ...(args['taf-max'] === undefined ? {} : { tafMaxPerTrade: args['taf-max'] }),
    },
    sweep: args.sweep ?? null,
    rank: args.rank,
    workers: args.workers ?? null,
    breakerReset: args['breaker-reset'],
    aws:
      args.aws === true
        ? {
            stateMachineArn: args['sweep-state-machine'] ?? null,
            bucket: args['sweep-bucket'] ?? null,
            wait: args['no-wait'] !== true,
          }
        : null,
  };
}
