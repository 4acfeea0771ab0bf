/**
 * A worker thread of a simtest run: takes seeds one at a time from the parent and answers each
 * with its outcome (the event log only when the seed failed, to be written where it is named).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BrokenVariant, runSeed } from './run-seed.ts';
import type { SeedOutcome } from './run-seeds.ts';

const variant = (workerData as { variant: BrokenVariant | null }).variant;
const port = parentPort!;

port.on('message', (seed: number | null) => {
  if (seed === null) {
    port.close();
    return;
  }
  void runSeed(seed, variant === null ? {} : { variant }).then(
    (result) => {
      const outcome: SeedOutcome = {
        seed,
        ok: result.ok,
        violations: result.violations,
        hash: result.log.hash(),
        orders: result.orders,
        fills: result.fills,
        engines: result.engines,
        log: result.ok ? null : result.log.text(),
      };
      port.postMessage(outcome);
    },
    (error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      const outcome: SeedOutcome = {
        seed,
        ok: false,
        violations: [{ invariant: 'run_completes', atMs: 0, detail }],
        hash: '',
        orders: 0,
        fills: 0,
        engines: 0,
        log: null,
      };
      port.postMessage(outcome);
    },
  );
});
