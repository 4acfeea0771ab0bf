/**
 * npm run bench [-- [--json] [--scale F] [NAME_FILTER ...]]
 * Runs every benchmark in bench/**\/*.bench.ts and prints a table, or one JSON object per line.
 */
import { globSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchmarkResult } from './harness.ts';

const USAGE = 'usage: npm run bench -- [--json] [--scale F] [NAME_FILTER ...]';

function formatTable(results: readonly BenchmarkResult[]): string {
  const header = ['name', 'n', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'ops/s'];
  const rows = results.map((r) => [
    r.name,
    String(r.n),
    ...[r.p50, r.p99, r.p999, r.max].map((v) => v.toFixed(3)),
    r.ops_per_s.toLocaleString('en-US'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
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
  let values: { json?: boolean; scale?: string; help?: boolean };
  let filters: string[];
  try {
    const parsed = parseArgs({
      options: { json: { type: 'boolean' }, scale: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
    values = parsed.values;
    filters = parsed.positionals;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0) {
    console.error(`--scale must be a positive number, got ${JSON.stringify(values.scale)}\n${USAGE}`);
    return 2;
  }
  const all = await discoverBenchmarks(import.meta.dirname);
  const selected = filters.length === 0 ? all : all.filter((b) => filters.some((f) => b.name.includes(f)));
  const results: BenchmarkResult[] = [];
  for (const benchmark of selected) {
    const result = await benchmark.execute({ scale });
    results.push(result);
    if (values.json === true) console.log(JSON.stringify(result));
  }
  if (values.json !== true) {
    console.log(`node ${process.version}, ${process.arch}; latencies from hdr-histogram after warm-up\n`);
    console.log(formatTable(results));
  }
  return 0;
}

if (import.meta.main) process.exitCode = await main();
