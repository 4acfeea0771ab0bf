/**
 * The cancel-on-disconnect watchdog as the Lambda runs it (functions/watchdog): a process of its
 * own, run every minute from a drawn phase with the Lambda's wait for an overdue lease, reaching
 * the lease table and the broker directly, on the run's virtual timers.
 */
import type { LeaseStore } from '../shared/store/lease-store.ts';
import type { Clock } from '../shared/time/clock.ts';
import type { Timers } from '../shared/time/timers.ts';
import { type OrderCanceller, runWatchdog, type WatchdogSignals } from '../shared/watchdog/lease-watchdog.ts';
import type { EventLog } from './event-log.ts';

/** The Lambda's schedule (every minute) and its wait for an overdue lease (its default). */
export const WATCHDOG_EVERY_MS = 60_000;
const WAIT_FOR_OVERDUE_MS = 50_000;

export interface WatchdogProcessOptions {
  readonly leases: LeaseStore;
  readonly broker: OrderCanceller;
  readonly signals: WatchdogSignals;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly log: EventLog;
  /** When, in its minute, the schedule falls. */
  readonly phaseMs: number;
  /** Just before a run's cancel reaches the broker, with the holder id the run acts under. */
  readonly cancelling: (holderId: string) => void;
}

/** Starts the schedule; the returned function ends it (runs under way finish by themselves). */
export function startWatchdogProcess(options: WatchdogProcessOptions): () => void {
  const { clock, timers, log } = options;
  let runs = 0;
  let on = true;
  const run = (): void => {
    if (!on) return;
    timers.setTimeout(run, WATCHDOG_EVERY_MS);
    runs += 1;
    const holderId = `watchdog/${runs}`;
    void runWatchdog({
      leases: options.leases,
      broker: {
        cancelAllOrders: () => {
          options.cancelling(holderId);
          return options.broker.cancelAllOrders();
        },
      },
      signals: options.signals,
      clock,
      log: { info: () => undefined, error: () => undefined },
      holderId,
      waitForOverdueMs: WAIT_FOR_OVERDUE_MS,
      sleep: (ms) => new Promise((resolve) => timers.setTimeout(resolve, ms)),
    }).then(
      // A run that found the lease held is the every-minute routine, not an event.
      ({ outcome }) => outcome !== 'held' && log.add('watchdog', { run: holderId, outcome }),
      (error: unknown) => log.add('watchdog', { run: holderId, error: (error as Error).name }),
    );
  };
  timers.setTimeout(run, options.phaseMs);
  return () => {
    on = false;
  };
}
