/**
 * What an engine does about its working orders once it lost its lease: the watchdog's run, under
 * its own hold on the lapsed lease (fencing token + 1) so no engine can start trading meanwhile,
 * waiting up to one lease lifetime for an overdue lease to lapse. If another engine holds the
 * lease, the orders are that engine's now and nothing is touched.
 *
 * Its own function, apart from the persistence wiring, so the simulation harness runs the same
 * code on its virtual clock and timers.
 */
import type { LeaseStore } from '../../shared/store/lease-store.ts';
import type { Clock } from '../../shared/time/clock.ts';
import {
  type OrderCanceller,
  runWatchdog,
  type WatchdogLog,
  type WatchdogOutcome,
  type WatchdogSignals,
} from '../../shared/watchdog/lease-watchdog.ts';

export interface CancelAfterLeaseLossOptions {
  readonly leases: LeaseStore;
  readonly broker: OrderCanceller;
  readonly signals: WatchdogSignals;
  readonly clock: Clock;
  readonly log: WatchdogLog;
  /** The lost lease's holder and lifetime. */
  readonly lease: { readonly holderId: string; readonly ttlMs: number };
  /** The wait for an overdue lease to lapse: the wall clock's unless given. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The holder id the cancel takes the lapsed lease under. */
export function cancelHolderId(holderId: string): string {
  return `${holderId}/cancel`;
}

export function cancelAfterLeaseLoss(options: CancelAfterLeaseLossOptions): Promise<WatchdogOutcome> {
  return runWatchdog({
    leases: options.leases,
    broker: options.broker,
    signals: options.signals,
    clock: options.clock,
    log: options.log,
    holderId: cancelHolderId(options.lease.holderId),
    waitForOverdueMs: options.lease.ttlMs,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
}
