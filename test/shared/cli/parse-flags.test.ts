import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../../shared/cli/parse-flags.ts';

const OPTIONS = { seeds: { type: 'string' }, json: { type: 'boolean' } } as const;

describe('parseFlags', () => {
  it('gives the values', () => {
    expect(parseFlags(['--seeds', '3', '--json'], OPTIONS)).toEqual({ values: { seeds: '3', json: true } });
  });

  it.each([
    [['--sedes', '3'], "Unknown option '--sedes'"],
    [['--seeds'], "Option '--seeds <value>' argument missing"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('returns %j as one problem naming it, without throwing', (argv, problem) => {
    const parsed = parseFlags(argv, OPTIONS);
    expect('problem' in parsed && parsed.problem).toContain(problem);
  });

  it('never quotes the value given to a flag that takes none', () => {
    const parsed = parseFlags(['--json=secret-token'], OPTIONS);
    expect('problem' in parsed && parsed.problem).not.toContain('secret-token');
  });
});
