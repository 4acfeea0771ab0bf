/**
 * The watchdog's log and P0 signal for a long-running process (the local stack's timer, and the
 * engine cancelling after it lost its lease): pino lines and prom-client metrics.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { WatchdogLog, WatchdogSignals } from './lease-watchdog.ts';

export function pinoWatchdogLog(logger: Logger): WatchdogLog {
  return {
    info: (message, fields) => logger.info(fields, message),
    error: (message, fields) => logger.error(fields, message),
  };
}

/** The P0 as Prometheus metrics: a gauge to alert on, counters for the history. */
export function prometheusWatchdogSignals(registry: Registry): WatchdogSignals {
  const registers = [registry];
  const lapsed = new Gauge({
    name: 'watchdog_lease_lapsed',
    help: 'P0: 1 once an engine lease lapsed without a clean stop and the watchdog cancelled its orders; reset by an operator restart of the stack.',
    labelNames: ['account'],
    registers,
  });
  const lapses = new Counter({
    name: 'watchdog_lease_lapses_total',
    help: 'Engine leases that lapsed without a clean stop.',
    labelNames: ['account'],
    registers,
  });
  const cancels = new Counter({
    name: 'watchdog_order_cancels_total',
    help: 'Orders the watchdog asked the broker to cancel, by result: cancelled, already_done, failed.',
    labelNames: ['account', 'result'],
    registers,
  });
  const unreadable = new Counter({
    name: 'watchdog_lease_unreadable_total',
    help: 'Watchdog runs that found the engine lease unreadable.',
    labelNames: ['account'],
    registers,
  });
  return {
    leaseLapsed(account, summary) {
      lapsed.set({ account }, 1);
      lapses.inc({ account });
      cancels.inc({ account, result: 'cancelled' }, summary.cancelled);
      cancels.inc({ account, result: 'already_done' }, summary.alreadyDone);
      cancels.inc({ account, result: 'failed' }, summary.failed);
    },
    leaseUnreadable(account) {
      unreadable.inc({ account });
    },
  };
}
