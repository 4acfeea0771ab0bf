import { describe, expect, it } from 'vitest';
import { runSeed } from '../../simtest/run-seed.ts';
import { runSeeds } from '../../simtest/run-seeds.ts';

/** The seeds CI runs (issue 17: at least 300). */
const CI_SEEDS = 300;
describe('Deterministic simulation', () => {
  it('gives the same event log for the same seed', async () => {
    const first = await runSeed(11);
    const second = await runSeed(11);
    expect(first.log.length).toBeGreaterThan(50);
    expect(first.orders).toBeGreaterThan(0);
    expect(second.log.hash()).toBe(first.log.hash());
  });

  // Seeds that found engine bugs, kept as regressions: 135 and 172, an execution lost in a
  // trade-updates outage that the final report's cumulative fill must account for; 143, an order
  // whose late events outlasted the resync's window, so the venue's position was taken and the
  // order's fill booked again later.
  // 57: after a restart, the session's orders folded in whole got the quantity right but not the
  // average entry (the position had gone flat in between); reconciliation now takes the venue's.
  // 125 and 222: the venue's positions endpoint lagged its fills, and reconciliation took its
  // answer (after an outage, at a restart): a phantom difference booked, then an entry over the
  // limits or one that opened a short while the breaker was reducing. A difference is now taken
  // only once it has held across the lag.
  // 273 and 103, orders repriced through OrderRouter.replace: 273, a price-only replace sent the
  // remainder counted when it was asked, and the fills that landed before it reached the venue were
  // bought again (12 asked, 18 filled); 103, the replace's answer came after the old order's
  // `replaced` event, which released its remainder while nothing counted the replacement, and an
  // entry went over max_total_exposure_usd.
  it.each([135, 143, 172, 57, 125, 222, 273, 103])('holds every invariant on seed %i', async (seed) => {
    const outcome = await runSeed(seed);
    expect(outcome.violations).toStrictEqual([]);
  });

  it('gives different runs for different seeds', async () => {
    const [a, b] = [await runSeed(11), await runSeed(12)];
    expect(a.log.hash()).not.toBe(b.log.hash());
  });

  it(`holds every invariant over ${CI_SEEDS} seeds`, {
    timeout: 300_000,
  }, async () => {
    const outcomes = await runSeeds({ from: 1, count: CI_SEEDS, jobs: 2 });
    expect(outcomes).toHaveLength(CI_SEEDS);
    expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.seed)).toStrictEqual([]);
    // The seeds trade: an invariant over runs with no orders would prove nothing.
    expect(outcomes.filter((outcome) => outcome.orders > 0).length).toBeGreaterThan(CI_SEEDS / 2);
    // And many of them restart the engine or run a second one beside it.
    expect(outcomes.filter((outcome) => outcome.engines > 1).length).toBeGreaterThan(CI_SEEDS / 3);
  });
});
