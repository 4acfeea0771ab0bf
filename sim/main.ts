/** `npm run sim`: the Alpaca-compatible venue simulator on 127.0.0.1. Wiring only. */
import { parseSimulatorArgs, USAGE } from './cli/simulator-args.ts';
import { startSimulator } from './simulator.ts';

const parsed = parseSimulatorArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.kind === 'invalid') {
  for (const problem of parsed.problems) console.error(`error: ${problem}`);
  console.error(USAGE);
  process.exit(2);
}

const simulator = await startSimulator(parsed.options);
console.log(
  `Alpaca simulator listening on 127.0.0.1:${simulator.port} ` +
    `(key id ${simulator.context.credentials.keyId}, ${simulator.context.sessionHours} hours, ` +
    `symbols ${simulator.context.symbols.join(',')})`,
);
console.log(`port=${simulator.port}`);
if (simulator.closedDates.size > 0) console.log(`closed dates: ${simulator.closedDates.list().join(',')}`);
const replayed = parsed.options.market;
if (typeof replayed === 'object') {
  console.log(`replaying ${replayed.replay} at speed ${replayed.speed} from the first stream subscription`);
  simulator.replayDone?.then(
    (report) => {
      console.log(
        `replay ${report.stopped ? 'stopped' : 'done'}: ${report.published} messages published, ` +
          `${report.rejected} lines skipped`,
      );
      for (const problem of report.problems) console.log(`  ${problem}`);
    },
    (error: unknown) => console.error(`error: replay of ${replayed.replay} failed: ${String(error)}`),
  );
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await simulator.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
