/**
 * Cancel-on-disconnect, which Alpaca does not offer: when an engine's lease lapses without a clean
 * release (the engine died or hangs), cancel every working order at the broker and raise the P0
 * signal. The same function runs in the scheduled Lambda (handler.ts) and on a timer locally
 * (local-watchdog-timer.ts).
 *
 * The watchdog takes the lapsed lease itself before cancelling. That bumps the fencing token, so a
 * hung engine that wakes up can no longer renew, and no new engine can start trading (and have its
 * fresh orders cancelled) until the watchdog releases the lease after a successful cancel. If the
 * cancel fails, the watchdog's own hold lapses and the next run tries again.
 */
import type { LeaseRecord } from '../../shared/store/items/lease-item.ts';
import { describeLease, type LeaseStore } from '../../shared/store/lease-store.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { BulkItemResult } from '../../shared/venue/venue-types.ts';

/** The one broker call the watchdog needs; any venue provides it (Alpaca: DELETE /v2/orders). */
export interface OrderCanceller {
  cancelAllOrders(): Promise<readonly BulkItemResult[]>;
}

/** Structured log lines; Powertools' Logger fits as it is, pino through pinoWatchdogLog. */
export interface WatchdogLog {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** Where the watchdog's alarms go: CloudWatch EMF in Lambda, prom-client locally. */
export interface WatchdogSignals {
  /** P0: an engine's lease lapsed without a clean stop; orders may have been left working. */
  leaseLapsed(account: string, summary: CancelSummary): void;
  /** The lease item cannot be read, so the watchdog cannot tell whether an engine is alive. */
  leaseUnreadable(account: string): void;
}

export interface CancelSummary {
  readonly cancelled: number;
  /** Orders the broker would not cancel because they were already done (4xx per item). */
  readonly alreadyDone: number;
  /** Cancels that failed at the broker (5xx per item, or the whole request). */
  readonly failed: number;
}

export type WatchdogOutcome =
  | { readonly outcome: 'no_lease' }
  | { readonly outcome: 'released' }
  | { readonly outcome: 'held'; readonly lease: LeaseRecord }
  | { readonly outcome: 'unreadable'; readonly message: string }
  /** Someone (an engine, another watchdog run) acquired the lapsed lease first. */
  | { readonly outcome: 'taken'; readonly message: string }
  | { readonly outcome: 'cancelled'; readonly lapsed: LeaseRecord; readonly summary: CancelSummary }
  | { readonly outcome: 'cancel_failed'; readonly lapsed: LeaseRecord; readonly summary: CancelSummary };

export interface WatchdogOptions {
  readonly leases: LeaseStore;
  readonly broker: OrderCanceller;
  readonly signals: WatchdogSignals;
  readonly clock: Clock;
  readonly log: WatchdogLog;
  /** Identifies this run as the lease holder while it cancels. */
  readonly holderId: string;
  /** How long the watchdog's own hold lasts; a failed run is retried after it lapses. Default 60 s. */
  readonly holdMs?: number;
  /** A lease counts as lapsed only this long after its expiry, for clock differences. Default 1 s. */
  readonly skewMarginMs?: number;
  /**
   * When a held lease misses its renewals and will lapse within this long, wait for it in this run
   * instead of the next, so a run every minute still cancels within the lease time plus one
   * minute. Default 0 (never wait).
   */
  readonly waitForOverdueMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runWatchdog(options: WatchdogOptions): Promise<WatchdogOutcome> {
  const skewMarginMs = options.skewMarginMs ?? 1_000;
  const account = options.leases.account;
  let lease: LeaseRecord;
  for (let waited = false; ; waited = true) {
    const read = await options.leases.read();
    if (read.status === 'absent') return { outcome: 'no_lease' };
    if (read.status === 'invalid') {
      options.signals.leaseUnreadable(account);
      options.log.error('watchdog cannot read the engine lease', { account, problem: read.problem });
      return { outcome: 'unreadable', message: read.problem.message };
    }
    lease = read.value;
    if (lease.status === 'released') return { outcome: 'released' };
    const lapsesAtMs = lease.expiresAtMs + skewMarginMs;
    const untilLapseMs = lapsesAtMs - options.clock.nowMs();
    if (untilLapseMs <= 0) break;
    if (
      waited ||
      !isOverdue(lease, options.clock.nowMs()) ||
      untilLapseMs > (options.waitForOverdueMs ?? 0)
    ) {
      return { outcome: 'held', lease };
    }
    await (options.sleep ?? realSleep)(untilLapseMs);
  }

  const taken = await options.leases.acquire({
    holderId: options.holderId,
    nowMs: options.clock.nowMs() - skewMarginMs,
    ttlMs: (options.holdMs ?? 60_000) + skewMarginMs,
  });
  if (!taken.ok) {
    const message =
      taken.reason === 'held'
        ? `lease already taken: ${describeLease(taken.holder)}`
        : `lease ${taken.reason}`;
    options.log.info(`watchdog stood down: ${message}`, { account });
    return { outcome: 'taken', message };
  }

  const summary = await cancelEverything(options.broker, options.log);
  options.signals.leaseLapsed(account, summary);
  const context = { account, lapsed: lease, ...summary };
  if (summary.failed > 0) {
    options.log.error(
      'engine lease lapsed; cancelling working orders failed, retrying on a later run',
      context,
    );
    return { outcome: 'cancel_failed', lapsed: lease, summary };
  }
  options.log.error('engine lease lapsed without a clean stop; cancelled every working order', context);
  await options.leases.release(
    { holderId: options.holderId, fencingToken: taken.lease.fencingToken },
    options.clock.nowMs(),
    `watchdog cancelled ${summary.cancelled} working orders after the lease of ${lease.holderId} (fencing token ${lease.fencingToken}) lapsed`,
  );
  return { outcome: 'cancelled', lapsed: lease, summary };
}

/** A healthy holder renews at a third of its lifetime; past half of it, renewals are being missed. */
function isOverdue(lease: LeaseRecord, nowMs: number): boolean {
  return nowMs - lease.renewedAtMs > (lease.expiresAtMs - lease.renewedAtMs) / 2;
}

async function cancelEverything(broker: OrderCanceller, log: WatchdogLog): Promise<CancelSummary> {
  try {
    const results = await broker.cancelAllOrders();
    let cancelled = 0;
    let alreadyDone = 0;
    let failed = 0;
    for (const result of results) {
      if (result.status < 300) cancelled += 1;
      else if (result.status < 500) alreadyDone += 1;
      else failed += 1;
    }
    return { cancelled, alreadyDone, failed };
  } catch (error) {
    log.error('DELETE /v2/orders failed', { error: error instanceof Error ? error.message : String(error) });
    return { cancelled: 0, alreadyDone: 0, failed: 1 };
  }
}
