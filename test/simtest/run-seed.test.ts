import { describe, expect, it } from 'vitest';
import { runSeed } from '../../simtest/run-seed.ts';
import { runSeeds } from '../../simtest/run-seeds.ts';

/** The seeds CI runs (issue 17: at least 300). */
const CI_SEEDS = 300;
/**
 * Seeds the unbroken engine fails today: the engine's position ends short of the venue's after a
 * trade-updates outage (a partial fill lost in the outage, the resync's booked delta, then later
 * executions). Open findings to investigate, listed so that a new failure, or a fix, shows here.
 */
const KNOWN_FAILING = [135, 143, 172];

describe('Deterministic simulation', () => {
  it('gives the same event log for the same seed', async () => {
    const first = await runSeed(11);
    const second = await runSeed(11);
    expect(first.log.length).toBeGreaterThan(50);
    expect(first.orders).toBeGreaterThan(0);
    expect(second.log.hash()).toBe(first.log.hash());
  });

  it('gives different runs for different seeds', async () => {
    const [a, b] = [await runSeed(11), await runSeed(12)];
    expect(a.log.hash()).not.toBe(b.log.hash());
  });

  it(`holds every invariant over ${CI_SEEDS} seeds but the known failures`, {
    timeout: 300_000,
  }, async () => {
    const outcomes = await runSeeds({ from: 1, count: CI_SEEDS, jobs: 2 });
    expect(outcomes).toHaveLength(CI_SEEDS);
    expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.seed)).toStrictEqual(
      KNOWN_FAILING,
    );
    // The seeds trade: an invariant over runs with no orders would prove nothing.
    expect(outcomes.filter((outcome) => outcome.orders > 0).length).toBeGreaterThan(CI_SEEDS / 2);
  });
});
