import { describe, expect, it } from 'vitest';
import { parseSoakArgs, soakSymbols } from '../../../local/soak/soak-args.ts';

describe('Function: parseSoakArgs', () => {
  it('reads the flags, with a warm-up of a fifth and a sample interval scaled to the run', () => {
    expect(parseSoakArgs(['--minutes', '10', '--rate', '20000', '--json', '--symbols', '8'])).toStrictEqual({
      kind: 'run',
      options: {
        minutes: 10,
        rate: 20_000,
        json: true,
        symbols: 8,
        warmupMinutes: 2,
        sampleSeconds: 5,
        configFile: 'config/system.json',
        riskFile: undefined,
      },
    });
    const short = parseSoakArgs(['--minutes', '0.5', '--rate', '2000']);
    expect(short.kind === 'run' && [short.options.warmupMinutes, short.options.sampleSeconds]).toStrictEqual([
      0.1, 1,
    ]);
  });

  it.each([
    [[], ['--minutes is required', '--rate is required']],
    [['--minutes', '0', '--rate', '5'], ['--minutes must be a number above 0 to 1440, got "0"']],
    [['--minutes', '1', '--rate', 'fast'], ['--rate must be a number from 1 to 1000000, got "fast"']],
    [
      ['--minutes', '1', '--rate', '5', '--symbols', '2.5'],
      ['--symbols must be a whole number from 1 to 20, got "2.5"'],
    ],
    [
      ['--minutes', '1', '--rate', '5', '--warmup-minutes', '1'],
      ['--warmup-minutes must be shorter than --minutes'],
    ],
  ])('reports every problem of %j at once', (argv, problems) => {
    expect(parseSoakArgs(argv)).toStrictEqual({ kind: 'invalid', problems });
  });

  it('refuses an unknown flag', () => {
    const parsed = parseSoakArgs(['--minutes', '1', '--rate', '5', '--fast']);
    expect(parsed.kind).toBe('invalid');
  });
});

describe('Function: soakSymbols', () => {
  it("keeps the config's symbols first and adds other names up to the count", () => {
    expect(soakSymbols(['TSLA', 'AAPL'], 4)).toStrictEqual(['TSLA', 'AAPL', 'MSFT', 'GOOGL']);
    expect(soakSymbols(['TSLA', 'AAPL'], 1)).toStrictEqual(['TSLA']);
  });
});
