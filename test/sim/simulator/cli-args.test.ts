import { afterAll, describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../../sim/cli/simulator-args.ts';
import { tempFolder } from '../../support/temp-files.ts';

function problemsOf(argv: readonly string[]): string {
  const parsed = parseSimulatorArgs(argv);
  expect(parsed.kind).toBe('invalid');
  return parsed.kind === 'invalid' ? parsed.problems.join('\n') : '';
}

describe('simulator command line', () => {
  const folder = tempFolder();
  const recorded = folder.write('session.ndjson', '');
  afterAll(() => folder.remove());

  it('parses every flag', () => {
    expect(
      parseSimulatorArgs([
        '--port',
        '9000',
        '--seed',
        '42',
        '--symbols',
        'aapl,BTC/USD,ETHUSD',
        '--rate',
        '5000',
        '--key-id',
        'K',
        '--secret-key',
        'S',
        '--nyse-hours',
        '--closed-dates',
        '2026-12-03, 2026-12-24',
        '--latency-ms',
        '15',
        '--history-minutes',
        '90',
      ]),
    ).toStrictEqual({
      kind: 'run',
      options: {
        port: 9000,
        seed: 42,
        latencyMs: 15,
        historyMinutes: 90,
        messagesPerSecond: 5000,
        symbols: ['AAPL', 'BTC/USD', 'ETH/USD'],
        keyId: 'K',
        secretKey: 'S',
        sessionHours: 'nyse',
        closedDates: ['2026-12-03', '2026-12-24'],
      },
    });
    expect(parseSimulatorArgs([])).toStrictEqual({ kind: 'run', options: {} });
    expect(parseSimulatorArgs(['--help'])).toStrictEqual({ kind: 'help' });
  });

  it('reports every problem at once, by flag', () => {
    const problems = problemsOf([
      '--port',
      '70000',
      '--seed',
      '1.5',
      '--rate',
      '0',
      '--symbols',
      'a$b',
      '--key-id',
      'K',
    ]);
    for (const flag of ['--port', '--seed', '--rate', '--symbols', '--key-id and --secret-key'])
      expect(problems).toContain(flag);
  });

  it.each([
    ['2026-13-01', '"2026-13-01"'],
    ['2026-02-30', '"2026-02-30"'],
    ['2026-12-03,tomorrow', '"tomorrow"'],
    ['2026-12-03,', '""'],
    ['12/03/2026', '"12/03/2026"'],
  ])('refuses --closed-dates %s, naming %s', (dates, named) => {
    expect(problemsOf(['--closed-dates', dates])).toBe(
      `--closed-dates: ${named} is not a date written YYYY-MM-DD`,
    );
  });

  it.each([
    [[], 1],
    [['--replay-speed', '2.5'], 2.5],
    [['--replay-speed', '1e3'], 1000],
    [['--replay-speed', 'max'], 'max'],
  ])('replays a file with %j: speed %j', (speedArgs, speed) => {
    expect(parseSimulatorArgs(['--replay', recorded, ...speedArgs])).toStrictEqual({
      kind: 'run',
      options: { market: { replay: recorded, speed } },
    });
  });

  it.each(['0', '-1', 'fast', 'MAX', '', 'Infinity'])('refuses --replay-speed %j', (speed) => {
    expect(problemsOf(['--replay', recorded, `--replay-speed=${speed}`])).toBe(
      `--replay-speed must be a number above 0 (times the recorded pace) or max, got ${JSON.stringify(speed)}`,
    );
  });

  it('names a replay file that cannot be read, and replay flags that do not fit', () => {
    const missing = folder.path('missing.ndjson');
    expect(problemsOf(['--replay', missing])).toBe(`--replay ${JSON.stringify(missing)} does not exist`);
    expect(problemsOf(['--replay', folder.path('')])).toContain('is not a file');
    expect(problemsOf(['--replay-speed', '2'])).toBe('--replay-speed needs --replay');
    expect(problemsOf(['--replay', recorded, '--rate', '100'])).toBe(
      '--rate paces the generated market; pace a replay with --replay-speed',
    );
    expect(problemsOf(['--replay', recorded, '--history-minutes', '10'])).toBe(
      '--history-minutes generates a past for the generated market; a replay has its own',
    );
    expect(problemsOf(['--history-minutes', '1441'])).toBe(
      '--history-minutes must be a whole number from 0 to 1440, got "1441"',
    );
  });

  it('refuses unknown flags and positional arguments', () => {
    expect(parseSimulatorArgs(['--prot', '1']).kind).toBe('invalid');
    expect(parseSimulatorArgs(['9000']).kind).toBe('invalid');
  });

  it('never echoes a secret in a problem', () => {
    const parsed = parseSimulatorArgs(['--secret-key', 'TOPSECRET']);
    expect(parsed.kind === 'invalid' && parsed.problems.join(' ')).not.toContain('TOPSECRET');
  });
});
