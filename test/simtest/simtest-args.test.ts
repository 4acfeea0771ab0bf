import { describe, expect, it } from 'vitest';
import { parseSimtestArgs } from '../../simtest/simtest-args.ts';

describe('parseSimtestArgs', () => {
  it('reads the flags', () => {
    expect(
      parseSimtestArgs(['--seeds', '300', '--from', '0', '--jobs', '2', '--variant', 'fill-counted-twice']),
    ).toEqual({
      kind: 'run',
      options: { count: 300, from: 0, jobs: 2, variant: 'fill-counted-twice', out: '.cache/simtest' },
    });
  });

  it('defaults to 100 seeds from 1, no variant', () => {
    const args = parseSimtestArgs([]);
    expect(args.kind).toBe('run');
    if (args.kind !== 'run') return;
    expect(args.options).toMatchObject({ count: 100, from: 1, variant: undefined });
    expect(args.options.jobs).toBeGreaterThanOrEqual(1);
  });

  it('reports every bad flag at once', () => {
    expect(parseSimtestArgs(['--seeds', '0', '--from=-3', '--jobs', '1.5', '--variant', 'nope'])).toEqual({
      kind: 'invalid',
      problems: [
        '--seeds must be a whole number from 1 to 4294967295, got "0"',
        '--from must be a whole number from 0 to 4294967295, got "-3"',
        '--jobs must be a whole number from 1 to 256, got "1.5"',
        expect.stringMatching(/^--variant must be one of retry-skips-lookup, .*, got "nope"$/),
      ],
    });
  });

  it('refuses a range past the last seed', () => {
    expect(parseSimtestArgs(['--seeds', '2', '--from', '4294967295'])).toEqual({
      kind: 'invalid',
      problems: ['--from + --seeds must stay within seed 4294967295'],
    });
  });

  it('names an unknown flag instead of throwing', () => {
    const args = parseSimtestArgs(['--sedes', '3']);
    expect(args.kind).toBe('invalid');
    if (args.kind === 'invalid') expect(args.problems[0]).toContain("'--sedes'");
  });

  it('answers --help', () => {
    expect(parseSimtestArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
