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
  // 15: a strategy's exit whose submission ended unknown (429s, then a timeout before it arrived)
  // counted as working for ever, so the stop that followed could neither cancel it nor send its
  // exit past reduce_only: the position stayed open (stop_ends_flat_or_protected). A lookup that
  // finds no such order now settles it as never placed, and an exit left working is cancelled.
  // 1173: a restarted engine adopted a late partial-fill report of an order a reconciliation had
  // already found filled; risk counted it as a working buy for ever, and refused the stop's exit
  // as a self-match. A report older than the engine's own view of the order adopts nothing now.
  it.each([135, 143, 172, 57, 15, 1173])('holds every invariant on seed %i', async (seed) => {
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
