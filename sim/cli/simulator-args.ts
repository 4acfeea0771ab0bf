/**
 * The simulator's command line: `npm run sim -- --port N [--seed S] [--symbols A,B]
 * [--rate MSGS_PER_S] [--key-id K --secret-key S] [--nyse-hours] [--closed-dates D1,D2]
 * [--latency-ms MS] [--history-minutes N] [--replay FILE [--replay-speed S]]`. Every problem is reported at once, by
 * flag name, as a value for main.ts to print; a replay file that cannot be read is one of them.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { numberFlag } from '../../shared/cli/number-flag.ts';
import { parseFlags } from '../../shared/cli/parse-flags.ts';
import { parseSymbol } from '../../shared/domain/symbol.ts';
import { isCalendarDate } from '../closed-dates.ts';
import type { ReplaySpeed } from '../replay/replay.ts';
import type { SimulatorOptions } from '../simulator.ts';

export const USAGE = `usage: npm run sim -- [--port N] [--seed S] [--symbols A,B] [--rate MSGS_PER_S]
                      [--key-id K --secret-key S] [--nyse-hours] [--closed-dates D1,D2]
                      [--latency-ms MS] [--history-minutes N] [--replay FILE [--replay-speed S]]

  --port N            TCP port on 127.0.0.1 (0 or absent: an ephemeral port, printed at start)
  --seed S            seed of the generated market and of order ids (integer, default 1)
  --symbols A,B       symbols to simulate (default AAPL,MSFT,SPY); crypto pairs like BTC/USD
  --rate MSGS_PER_S   market-data messages per second across all symbols (default 1000)
  --key-id K          API key id to accept (with --secret-key; default SIMKEYID / SIMSECRETKEY)
  --secret-key S      API secret key to accept
  --nyse-hours        follow NYSE session hours and holidays (default: open all day, every day)
  --closed-dates D1,D2
                      New York dates (YYYY-MM-DD) the market stays closed, in either hours mode
  --latency-ms MS     delay before orders, cancels and replaces take effect (default 0)
  --history-minutes N generate N minutes of market before start, so the historical bars and
                      trades reach back that far (0 to 1440, default 0; not with --replay)
  --replay FILE       market data from a recorded NDJSON file instead of the generator,
                      from the first stream subscription on; --symbols stays the tradable set
  --replay-speed S    N times the recorded pace (a number above 0, default 1), or max
  --help              print this help`;

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: SimulatorOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

/** Why `path` cannot be replayed, or undefined when it is a readable file. */
function unreadableFile(path: string): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile() ? undefined : 'is not a file';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
  }
}

function closedDates(text: string, problems: string[]): string[] {
  const dates = text.split(',').map((item) => item.trim());
  for (const date of dates) {
    if (!isCalendarDate(date)) {
      problems.push(`--closed-dates: ${JSON.stringify(date)} is not a date written YYYY-MM-DD`);
    }
  }
  return dates;
}

function replaySpeed(text: string, problems: string[]): ReplaySpeed | undefined {
  if (text === 'max') return 'max';
  const speed = Number(text);
  if (Number.isFinite(speed) && speed > 0) return speed;
  problems.push(
    `--replay-speed must be a number above 0 (times the recorded pace) or max, got ${JSON.stringify(text)}`,
  );
  return undefined;
}

export function parseSimulatorArgs(argv: readonly string[]): ParsedArgs {
  const parsed = parseFlags(argv, {
    port: { type: 'string' },
    seed: { type: 'string' },
    symbols: { type: 'string' },
    rate: { type: 'string' },
    'key-id': { type: 'string' },
    'secret-key': { type: 'string' },
    'nyse-hours': { type: 'boolean' },
    'closed-dates': { type: 'string' },
    'latency-ms': { type: 'string' },
    'history-minutes': { type: 'string' },
    replay: { type: 'string' },
    'replay-speed': { type: 'string' },
    help: { type: 'boolean' },
  });
  if ('problem' in parsed) return { kind: 'invalid', problems: [parsed.problem] };
  const { values } = parsed;
  if (values.help === true) return { kind: 'help' };
  const problems: string[] = [];
  const options: { -readonly [K in keyof SimulatorOptions]: SimulatorOptions[K] } = {};
  if (typeof values.port === 'string')
    options.port = numberFlag(values.port, 'port', { min: 0, max: 65_535, integer: true }, problems);
  if (typeof values.seed === 'string')
    options.seed = numberFlag(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }, problems);
  if (typeof values['latency-ms'] === 'string') {
    options.latencyMs = numberFlag(
      values['latency-ms'],
      'latency-ms',
      { min: 0, max: 60_000, integer: true },
      problems,
    );
  }
  if (typeof values['history-minutes'] === 'string') {
    options.historyMinutes = numberFlag(
      values['history-minutes'],
      'history-minutes',
      { min: 0, max: 1_440, integer: true },
      problems,
    );
  }
  if (typeof values.rate === 'string') {
    const rate = numberFlag(values.rate, 'rate', { min: 0, max: 10_000_000, minExclusive: true }, problems);
    if (rate !== undefined) options.messagesPerSecond = rate;
  }
  if (typeof values.symbols === 'string') {
    const symbols: string[] = [];
    for (const text of values.symbols.split(',').map((item) => item.trim())) {
      const parsed = parseSymbol(text.toUpperCase());
      if (!parsed.ok) problems.push(`--symbols: ${parsed.reason}`);
      else if (!symbols.includes(parsed.instrument.symbol)) symbols.push(parsed.instrument.symbol);
    }
    if (symbols.length === 0 && problems.length === 0)
      problems.push('--symbols must list at least one symbol');
    options.symbols = symbols;
  }
  const keyId = values['key-id'];
  const secretKey = values['secret-key'];
  if ((keyId === undefined) !== (secretKey === undefined)) {
    problems.push('--key-id and --secret-key must be given together');
  } else if (typeof keyId === 'string' && typeof secretKey === 'string') {
    if (keyId === '' || secretKey === '') problems.push('--key-id and --secret-key must not be empty');
    options.keyId = keyId;
    options.secretKey = secretKey;
  }
  if (values['nyse-hours'] === true) options.sessionHours = 'nyse';
  if (typeof values['closed-dates'] === 'string') {
    options.closedDates = closedDates(values['closed-dates'], problems);
  }
  const speedText = values['replay-speed'];
  if (typeof values.replay === 'string') {
    const unreadable = unreadableFile(values.replay);
    if (unreadable !== undefined) problems.push(`--replay ${JSON.stringify(values.replay)} ${unreadable}`);
    const speed = replaySpeed(typeof speedText === 'string' ? speedText : '1', problems);
    if (speed !== undefined) options.market = { replay: values.replay, speed };
    if (values.rate !== undefined)
      problems.push('--rate paces the generated market; pace a replay with --replay-speed');
    if (values['history-minutes'] !== undefined)
      problems.push('--history-minutes generates a past for the generated market; a replay has its own');
  } else if (speedText !== undefined) {
    problems.push('--replay-speed needs --replay');
  }
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'run', options };
}
