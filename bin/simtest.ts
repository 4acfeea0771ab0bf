/**
 * `npm run simtest -- --seeds N [--from S] [--jobs J] [--variant NAME] [--out DIR]`: runs N seeds
 * of the deterministic simulation (simtest/) from seed S across J worker threads, with a progress
 * bar and a summary. A failing seed prints what broke, the command that replays it, and the file
 * its event log (JSON lines) was written to. Exits 1 when any seed failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { runSeeds, type SeedOutcome } from '../simtest/run-seeds.ts';
import { parseSimtestArgs, SIMTEST_USAGE } from '../simtest/simtest-args.ts';

const args = parseSimtestArgs(process.argv.slice(2));
if (args.kind === 'help') {
  console.log(SIMTEST_USAGE);
  process.exit(0);
}
if (args.kind === 'invalid') {
  for (const problem of args.problems) console.error(`error: ${problem}`);
  console.error(SIMTEST_USAGE);
  process.exit(2);
}
const { count, from, jobs, variant } = args.options;
const out = resolve(args.options.out);

const bar = new SingleBar({
  format: 'simtest [{bar}] {value}/{total} seeds | {failed} failed | {rate} seeds/s',
  stream: process.stderr,
});
const startedMs = performance.now();
let failed = 0;
bar.start(count, 0, { failed, rate: '0.0' });
const failures: SeedOutcome[] = [];
const outcomes = await runSeeds({
  from,
  count,
  jobs,
  ...(variant === undefined ? {} : { variant }),
  onOutcome(outcome) {
    if (!outcome.ok) {
      failed++;
      failures.push(outcome);
    }
    const seconds = (performance.now() - startedMs) / 1000;
    bar.increment({ failed, rate: ((bar.getProgress() * count + 1) / seconds).toFixed(1) });
  },
});
bar.stop();

const seconds = (performance.now() - startedMs) / 1000;
const variantArg = variant === undefined ? '' : ` --variant ${variant}`;
for (const failure of failures.sort((a, b) => a.seed - b.seed)) {
  console.log(`\nseed ${failure.seed} failed:`);
  for (const violation of failure.violations.slice(0, 10))
    console.log(`  ${violation.invariant} at ${new Date(violation.atMs).toISOString()}: ${violation.detail}`);
  if (failure.violations.length > 10) console.log(`  … and ${failure.violations.length - 10} more`);
  if (failure.log !== null) {
    mkdirSync(out, { recursive: true });
    const file = join(out, `seed-${failure.seed}${variant === undefined ? '' : `-${variant}`}.jsonl`);
    writeFileSync(file, failure.log);
    console.log(`  event log: ${file}`);
  }
  console.log(`  replay: npm run simtest -- --seeds 1 --from ${failure.seed}${variantArg}`);
}
const orders = outcomes.reduce((sum, outcome) => sum + outcome.orders, 0);
const fills = outcomes.reduce((sum, outcome) => sum + outcome.fills, 0);
console.log(
  `\n${outcomes.length - failed} of ${outcomes.length} seeds passed (seeds ${from}–${from + count - 1}${variantArg}), ` +
    `${failed} failed; ${orders} orders, ${fills} fills; ${seconds.toFixed(1)} s wall, ` +
    `${(outcomes.length / seconds).toFixed(1)} seeds/s on ${jobs} workers`,
);
process.exitCode = failed > 0 ? 1 : 0;
