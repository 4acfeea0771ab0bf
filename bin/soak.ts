/**
 * npm run soak -- --minutes M --rate R [--json] [--symbols N] …: the local stack under a steady
 * market-data load with trading on, reported as figures and a verdict (local/soak/). Wiring only.
 * Ctrl-C stops the stack; a second Ctrl-C kills it.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { soakRunner } from '../local/soak/run-soak.ts';
import { parseSoakArgs, SOAK_USAGE } from '../local/soak/soak-args.ts';
import { soakReportJson, soakReportText } from '../local/soak/soak-report.ts';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const parsed = parseSoakArgs(argv);
  if (parsed.kind === 'help') {
    console.log(SOAK_USAGE);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    for (const problem of parsed.problems) console.error(`error: ${problem}`);
    console.error(SOAK_USAGE);
    return 2;
  }
  const { options } = parsed;
  const runner = soakRunner(options);
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) void runner.stop();
    else runner.kill();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (!options.json)
    console.error(
      `soak: ${options.minutes} min at ${options.rate} messages/s, a sample every ${options.sampleSeconds} s ...`,
    );
  try {
    const outcome = await runner.run();
    await runner.stop();
    const run = {
      command: `npm run soak -- ${argv.join(' ')}`,
      symbols: outcome.symbols,
      configChanges: outcome.configChanges,
      loadAverage: loadavg(),
      cores: cpus().length,
      logFile: outcome.logFile,
      reportFile: outcome.reportFile,
    };
    const json = soakReportJson(run, outcome.figures);
    writeFileSync(outcome.reportFile, json);
    process.stdout.write(options.json ? json : soakReportText(run, outcome.figures));
    return outcome.figures.pass ? 0 : 1;
  } catch (error) {
    console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
    await runner.stop();
    return 1;
  }
}

process.exitCode = await main();
