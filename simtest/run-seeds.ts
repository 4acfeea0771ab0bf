/**
 * Many seeds across worker threads: each worker takes the next seed as it finishes one, so a slow
 * seed does not hold the others back. Outcomes come back in completion order; a seed's outcome is
 * the same whichever worker ran it (each run is single-threaded and seeded).
 */
import { Worker } from 'node:worker_threads';
import type { Violation } from './invariants.ts';
import type { BrokenVariant } from './run-seed.ts';

export interface SeedOutcome {
  readonly seed: number;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  /** The event log's SHA-256: equal for two runs of one seed. */
  readonly hash: string;
  readonly orders: number;
  readonly fills: number;
  /** Engine processes the run started (more than one: a restart or a contender). */
  readonly engines: number;
  /** The event log as JSON lines, for a failed seed only. */
  readonly log: string | null;
}

export interface RunSeedsOptions {
  readonly from: number;
  readonly count: number;
  readonly jobs: number;
  readonly variant?: BrokenVariant;
  readonly onOutcome?: (outcome: SeedOutcome) => void;
}

export async function runSeeds(options: RunSeedsOptions): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  let next = options.from;
  const end = options.from + options.count;
  const jobs = Math.max(1, Math.min(options.jobs, options.count));
  const workerFile = new URL('./seed-worker.ts', import.meta.url);
  await Promise.all(
    Array.from(
      { length: jobs },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(workerFile, { workerData: { variant: options.variant ?? null } });
          const feed = (): void => {
            worker.postMessage(next < end ? next++ : null);
          };
          worker.on('message', (outcome: SeedOutcome) => {
            outcomes.push(outcome);
            options.onOutcome?.(outcome);
            feed();
          });
          worker.on('error', reject);
          worker.on('exit', () => resolve());
          feed();
        }),
    ),
  );
  return outcomes.sort((a, b) => a.seed - b.seed);
}
