import { describe, expect, it } from 'vitest';
import { runSeed } from '../../simtest/run-seed.ts';
import { runSeeds } from '../../simtest/run-seeds.ts';

function logEntries(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

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
  // 1251, 2212, 2963, 3066, 3327, 6039, 7914, 7985: after a restart reconciled a partly filled
  // order from the venue's cumulative fill, its next executions were counted against that
  // quantity (whose executions the new engine never saw) and not booked, in memory or the store.
  // 1157, 4397, 5892: an exit whose POST answered 5xx after it took effect was found filled by the
  // lookup while its executions were lost in a stream outage; risk released it whole, and a second
  // exit sold the venue short. A final order's fills not yet booked now keep counting as working.
  // 916, 1810, 1858, 2324, 3559, 6115: a restarted engine adopted a partly filled order at its
  // unfilled rest and then booked its earlier fills against it too, so risk under-counted it and
  // let gross exposure past the limit. An adopted order now counts what this process has not booked.
  // Paused engines (stopped past their lease, resumed with what they held): 216, the resumed
  // engine's stop cancelled the orders of the engine that had taken over (the gateway now asks
  // the send guard before a cancel or a replace too); 348, the guard's refusal, thrown by a request
  // the scheduler started from its wait timer, escaped the timer; 642 and 687, the resumed engine's
  // write-behind queue wrote a batch before the engine noticed the loss (it now asks the lease).
  // 1762 (the harness, not the engine): the engine standing by crashed while the resumed one was
  // exiting, and the orchestrator, which had looked only when the lease was lost, started nobody.
  // 1724 and 2461 (with a pause): the first of those two bugs (a fill after a takeover) and the last
  // (exposure), in runs of their own.
  // 125 and 222: the venue's positions endpoint lagged its fills, and reconciliation took its
  // answer (after an outage, at a restart): a phantom difference booked, then an entry over the
  // limits or one that opened a short while the breaker was reducing. A difference is now taken
  // only once it has held across the lag.
  // 273 and 103, orders repriced through OrderRouter.replace: 273, a price-only replace sent the
  // remainder counted when it was asked, and the fills that landed before it reached the venue were
  // bought again (12 asked, 18 filled); 103, the replace's answer came after the old order's
  // `replaced` event, which released its remainder while nothing counted the replacement, and an
  // entry went over max_total_exposure_usd.
  // 526, 760, 8979, 9678: a repriced order's replacement filled and ended before the replace was
  // announced (its answer and the old order's event both late); risk then counted it as a working
  // buy for good and refused the stop's exit as a self-match.
  // 3596 the same; 5360 and 6167: a repriced order's replace failed without an answer, and the
  // replacement it had tracked counted as working for good (a stop's cancel of it retried to the
  // end); a lookup that finds no order under its id now settles it as never placed.
  // 4986: an entry approved just before the breaker tripped waited out a 429 and was sent after;
  // an entry is now held to the breaker and reconciliation again as it leaves.
  // 5650 (the harness): a stop triggered by a paused engine, resumed past its lease, on the quotes
  // it held was judged; only the lease holder's stops are the account's.
  // 9593: an order filled further between reconciliation's read of the order lists and of the
  // positions; the position was taken with that fill, booked again when its report came.
  // 259: a halt's resumption sent while the feed was silent was lost, and risk refused the stop's
  // exit as halted for the rest of the run; a trade printed after the halt now ends it.
  it.each([
    135, 143, 172, 57, 1251, 2212, 2963, 3066, 3327, 6039, 7914, 7985, 1157, 4397, 5892, 916, 1810, 1858,
    2324, 3559, 6115, 216, 348, 642, 687, 1762, 1724, 2461, 125, 222, 273, 103, 15, 1173, 259, 526, 760, 8979,
    9678,
  ])('holds every invariant on seed %i', async (seed) => {
    const outcome = await runSeed(seed);
    expect(outcome.violations).toStrictEqual([]);
  });

  it('cancels the working orders at the venue when a paused engine’s lease lapses and nobody takes over (seed 246)', async () => {
    const outcome = await runSeed(246);
    expect(outcome.violations).toStrictEqual([]);
    const entries = logEntries(outcome.log.text());
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'engine_pause', engine: 'engine-1' }));
    expect(entries).toContainEqual({
      t: expect.any(Number),
      kind: 'lease_lapsed',
      cancelled: 1,
      alreadyDone: 0,
      failed: 0,
    });
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'watchdog', outcome: 'cancelled' }));
    // Resumed, the engine finds the watchdog's clean release and leaves the venue alone.
    expect(entries).toContainEqual(
      expect.objectContaining({ kind: 'lease_loss_cancel', engine: 'engine-1', outcome: 'released' }),
    );
  });

  it('has a resumed engine cancel its working orders under its own hold when nobody took over (seed 470)', async () => {
    const outcome = await runSeed(470);
    expect(outcome.violations).toStrictEqual([]);
    const entries = logEntries(outcome.log.text());
    const lost = entries.findIndex((entry) => entry.kind === 'lease_lost' && entry.engine === 'engine-1');
    expect(entries[lost - 1]).toMatchObject({ kind: 'engine_resume', engine: 'engine-1' });
    // Before anything else of the resumed process reaches the venue: DELETE /v2/orders.
    expect(entries[lost + 1]).toMatchObject({ kind: 'cancel_request', engine: 'engine-1', orderId: null });
    expect(entries.slice(lost + 1)).toContainEqual(
      expect.objectContaining({ kind: 'lease_lapsed', cancelled: 1, failed: 0 }),
    );
    expect(entries.slice(lost + 1)).toContainEqual(
      expect.objectContaining({ kind: 'lease_loss_cancel', engine: 'engine-1', outcome: 'cancelled' }),
    );
  });

  it('leaves the new holder’s orders alone when a paused engine resumes (seed 216)', async () => {
    const outcome = await runSeed(216);
    expect(outcome.violations).toStrictEqual([]);
    const entries = logEntries(outcome.log.text());
    const lost = entries.findIndex((entry) => entry.kind === 'lease_lost' && entry.engine === 'engine-1');
    expect(entries[lost - 1]).toMatchObject({ kind: 'engine_resume', engine: 'engine-1' });
    expect(entries[lost + 1]).toMatchObject({
      kind: 'lease_loss_cancel',
      engine: 'engine-1',
      outcome: 'held',
    });
    const cancels = entries.filter((entry) => entry.kind === 'cancel_request');
    expect(cancels.filter((entry) => entry.engine === 'engine-1')).toStrictEqual([]);
    expect(cancels.filter((entry) => entry.engine === 'engine-2').length).toBeGreaterThan(0);
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
