import { describe, expect, it } from 'vitest';
import { CI_FUZZ_SEED, fuzzSettings } from './fuzz-settings.ts';

describe('Function: fuzzSettings', () => {
  it('uses the fixed CI seed and run count when nothing is set', () => {
    expect(fuzzSettings({})).toStrictEqual({ seed: CI_FUZZ_SEED, numRuns: 200 });
  });

  it('reads FUZZ_SEED and FUZZ_RUNS', () => {
    expect(fuzzSettings({ FUZZ_SEED: '-42', FUZZ_RUNS: '100000' })).toStrictEqual({
      seed: -42,
      numRuns: 100_000,
    });
  });

  it.each([
    [{ FUZZ_RUNS: '0' }, 'FUZZ_RUNS="0"'],
    [{ FUZZ_RUNS: '1e5' }, 'FUZZ_RUNS="1e5"'],
    [{ FUZZ_SEED: 'abc' }, 'FUZZ_SEED="abc"'],
    [{ FUZZ_SEED: '99999999999' }, 'FUZZ_SEED="99999999999"'],
  ])('refuses %o, naming the variable', (env, named) => {
    expect(() => fuzzSettings(env)).toThrow(named);
  });
});
