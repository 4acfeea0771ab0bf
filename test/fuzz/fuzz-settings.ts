/**
 * Run settings for the fuzz suites under test/fuzz. CI runs them with a fixed seed and a modest
 * number of runs so that a red build replays exactly; a longer hunt is the same suites with
 * FUZZ_RUNS raised (docs/testing.md "Fuzzing"), and FUZZ_SEED replays a failure one printed.
 */
import fc from 'fast-check';

/** The seed CI uses: fixed, so the same inputs run on every build. */
export const CI_FUZZ_SEED = 20_261_217;

export interface FuzzSettings {
  readonly seed: number;
  /** Runs of a cheap in-process property; properties that cost a socket round trip scale this down. */
  readonly numRuns: number;
}

/** A whole decimal number within [min, max], or a RangeError naming the variable and what it must be. */
function integerVariable(name: string, text: string | undefined, fallback: number, min: number, max: number) {
  if (text === undefined || text === '') return fallback;
  const value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name}=${JSON.stringify(text)}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The settings from FUZZ_SEED and FUZZ_RUNS, validated; the CI defaults when they are unset. */
export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  return {
    // fast-check takes any 32-bit integer as a seed and prints negative ones too.
    seed: integerVariable('FUZZ_SEED', env.FUZZ_SEED, CI_FUZZ_SEED, -(2 ** 31), 2 ** 32 - 1),
    numRuns: integerVariable('FUZZ_RUNS', env.FUZZ_RUNS, 200, 1, 10_000_000),
  };
}

const settings = fuzzSettings();

/**
 * Parameters for fc.assert / fc.check: the seed, and `share` of the run count (a socket round
 * trip per run costs ~1 ms, an in-process parse a few µs). verbose prints the failing input and
 * the seed and path to replay it (FUZZ_SEED=<seed>, plus `path` in fc.assert's parameters).
 */
export function fuzzParameters<T>(share = 1): fc.Parameters<T> {
  return {
    seed: settings.seed,
    numRuns: Math.max(1, Math.round(settings.numRuns * share)),
    verbose: fc.VerbosityLevel.Verbose,
  };
}

/** fc.assert with the fuzz settings: throws with the seed, the path and the counterexample. */
export function assertFuzz<Ts>(property: fc.IProperty<Ts>, share = 1): void {
  fc.assert(property, fuzzParameters<Ts>(share));
}

/** The async form, for properties that talk to a server. */
export async function assertFuzzAsync<Ts>(property: fc.IAsyncProperty<Ts>, share = 1): Promise<void> {
  await fc.assert(property, fuzzParameters<Ts>(share));
}

/** How long a fuzz test may take: CI's size fits the default, a long run gets what it needs. */
export const FUZZ_TEST_TIMEOUT_MS = Math.max(60_000, settings.numRuns * 20);
