/**
 * npm run bench [-- [--repeat K] [--json] [--scale F] [NAME_FILTER ...]]
 * Runs every benchmark in bench/**\/*.bench.ts and prints a table, or one JSON object per line.
 * With --repeat K > 1, each benchmark runs K times and reports medians with their spread.
 */
import { globSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type AggregateResult, aggregate } from './aggregate.ts';
import type { Benchmark, BenchmarkResult } from './harness.ts';

const USAGE = 'usage: npm run bench -- [--repeat K] [--json] [--scale F] [NAME_FILTER ...]';

export interface BenchOptions {
  readonly help: boolean;
  readonly json: boolean;
  readonly scale: number;
  /** Runs of each benchmark; 1 prints each run as it is, more print medians and spreads. */
  readonly repeat: number;
  readonly filters: readonly string[];
}

const VALUE_OPTIONS = new Set(['--repeat', '--scale']);

/**
 * parseArgs refuses `--repeat -1` as an ambiguous option without naming the value; joined as
 * `--repeat=-1`, the value reaches the checks below, whose errors name it.
 */
function joinOptionValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...joined, ...args.slice(i)];
    joined.push(VALUE_OPTIONS.has(arg) && i + 1 < args.length ? `${arg}=${args[++i]}` : arg);
  }
  return joined;
}

/** Throws an Error whose message names the bad option or value. */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: joinOptionValues(args),
    options: {
      json: { type: 'boolean' },
      scale: { type: 'string' },
      repeat: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`--scale must be a positive number, got ${JSON.stringify(values.scale)}`);
  const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
  if (!Number.isSafeInteger(repeat) || repeat < 1)
    throw new Error(`--repeat must be a whole number of at least 1, got ${JSON.stringify(values.repeat)}`);
  return {
    help: values.help === true,
    json: values.json === true,
    scale,
    repeat,
    filters: positionals,
  };
}

function formatTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

const us = (value: number): string => value.toFixed(3);
const rate = (value: number): string => value.toLocaleString('en-US');

function formatRuns(results: readonly BenchmarkResult[]): string {
  const header = ['name', 'n', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'ops/s'];
  const rows = results.map((r) => [
    r.name,
    String(r.n),
    ...[r.p50, r.p99, r.p999, r.max].map(us),
    rate(r.ops_per_s),
  ]);
  return formatTable(header, rows);
}

function formatAggregates(results: readonly AggregateResult[]): string {
  const header = [
    'name',
    'n',
    'p50 µs',
    'p50 range',
    'p99 µs',
    'p99 range',
    'p99.9 µs',
    'max µs',
    'ops/s',
    'ops/s range',
  ];
  const rows = results.map((r) => [
    r.name,
    String(r.n),
    us(r.p50),
    `${us(r.p50_min)}–${us(r.p50_max)}`,
    us(r.p99),
    `${us(r.p99_min)}–${us(r.p99_max)}`,
    us(r.p999),
    us(r.max),
    rate(r.ops_per_s),
    `${rate(r.ops_per_s_min)}–${rate(r.ops_per_s_max)}`,
  ]);
  return formatTable(header, rows);
}

export async function discoverBenchmarks(root: string): Promise<Benchmark[]> {
  const files = globSync('**/*.bench.ts', { cwd: root }).sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(root, file)).href)) as { benchmarks?: Benchmark[] };
    if (!Array.isArray(module.benchmarks))
      throw new Error(`${relative(process.cwd(), join(root, file))} exports no benchmarks array`);
    benchmarks.push(...module.benchmarks);
  }
  return benchmarks;
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const { filters, json, repeat, scale } = options;
  const all = await discoverBenchmarks(import.meta.dirname);
  const selected = filters.length === 0 ? all : all.filter((b) => filters.some((f) => b.name.includes(f)));
  const runs: BenchmarkResult[][] = selected.map(() => []);
  // Round by round rather than benchmark by benchmark, so a burst of load on the machine lands on
  // one run of many benchmarks instead of every run of one.
  for (let round = 1; round <= repeat; round++) {
    if (repeat > 1) console.error(`round ${round}/${repeat}`);
    for (const [i, benchmark] of selected.entries()) {
      const result = await benchmark.execute({ scale });
      runs[i]!.push(result);
      if (json && repeat === 1) console.log(JSON.stringify(result));
    }
  }
  const aggregates = repeat > 1 ? runs.map(aggregate) : [];
  if (json) {
    for (const result of aggregates) console.log(JSON.stringify(result));
    return 0;
  }
  const heading = `node ${process.version}, ${process.arch}; latencies from hdr-histogram after warm-up`;
  if (repeat === 1) {
    console.log(`${heading}\n`);
    console.log(formatRuns(runs.map(([result]) => result!)));
  } else {
    console.log(`${heading}; median of ${repeat} interleaved runs, range = min–max across them\n`);
    console.log(formatAggregates(aggregates));
  }
  return 0;
}

if (import.meta.main) process.exitCode = await main();
