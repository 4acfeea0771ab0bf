import { describe, expect, it } from 'vitest';
import { type BrokenVariant, runSeed } from '../../simtest/run-seed.ts';

/**
 * Each deliberately broken engine is caught by a seed among the CI seeds (1–300), by the invariant
 * it breaks. The seeds were found with `npm run simtest -- --seeds 300 --variant NAME`.
 */
describe.each<[BrokenVariant, number, string]>([
  ['retry-skips-lookup', 3, 'one_order_per_intent'],
  ['fill-counted-twice', 140, 'positions_equal_venue'],
  ['fenced-engine-writes', 5, 'no_send_without_lease'],
  ['fenced-engine-writes', 1, 'no_write_without_lease'],
  ['stop-exit-before-cancels', 102, 'stop_ends_flat_or_protected'],
  ['cancel-ignores-new-holder', 216, 'no_cancel_without_lease'],
  ['no-watchdog', 13, 'orphaned_orders_cancelled'],
])('Broken variant: %s', (variant, seed, invariant) => {
  it(`is caught by seed ${seed} (${invariant}), which the correct engine passes`, async () => {
    const broken = await runSeed(seed, { variant });
    expect(broken.violations.map((violation) => violation.invariant)).toContain(invariant);
    expect((await runSeed(seed)).ok).toBe(true);
  });
});
