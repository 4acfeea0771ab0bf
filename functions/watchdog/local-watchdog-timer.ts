/**
 * The watchdog of the local stack: runWatchdog on a timer, in a process other than the engine's
 * (the test runner, or the local stack beside `npm start`), with its P0 signal as prom-client metrics.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LeaseStore } from '../../shared/store/lease-store.ts';
import type { Clock } from '../../shared/time/clock.ts';
import {
  type OrderCanceller,
  runWatchdog,
  type WatchdogOutcome,
} from '../../shared/watchdog/lease-watchdog.ts';
import { pinoWatchdogLog, prometheusWatchdogSignals } from '../../shared/watchdog/watchdog-adapters.ts';

export interface LocalWatchdogOptions {
  readonly leases: LeaseStore;
  readonly broker: OrderCanceller;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Default 5 s: far inside the lease time plus one minute. */
  readonly intervalMs?: number;
  /** The watchdog's own hold while it cancels; default 60 s. */
  readonly holdMs?: number;
  /** Told the outcome of every run (for tests and logs). */
  readonly onRun?: (outcome: WatchdogOutcome) => void;
}

export interface LocalWatchdog {
  /** One run now (runs never overlap; a call during a run waits for it and runs again). */
  runOnce(): Promise<WatchdogOutcome>;
  close(): Promise<void>;
}

export function startLocalWatchdog(options: LocalWatchdogOptions): LocalWatchdog {
  const signals = prometheusWatchdogSignals(options.registry);
  const log = pinoWatchdogLog(options.logger);
  let runs = 0;
  let current: Promise<WatchdogOutcome> | undefined;
  let closed = false;
  let busy = false;

  const run = async (): Promise<WatchdogOutcome> => {
    await current?.catch(() => undefined);
    runs += 1;
    const outcome = await runWatchdog({
      leases: options.leases,
      broker: options.broker,
      signals,
      clock: options.clock,
      log,
      holderId: `watchdog/local/${process.pid}/${runs}`,
      ...(options.holdMs === undefined ? {} : { holdMs: options.holdMs }),
    });
    options.onRun?.(outcome);
    return outcome;
  };

  const runOnce = (): Promise<WatchdogOutcome> => {
    const next = run();
    current = next;
    return next;
  };

  const timer = setInterval(() => {
    // A run stuck on a slow broker is not stacked behind by more runs.
    if (closed || busy) return;
    busy = true;
    runOnce()
      .catch((error: unknown) => options.logger.error({ err: error }, 'watchdog run failed'))
      .finally(() => {
        busy = false;
      });
  }, options.intervalMs ?? 5_000);

  return {
    runOnce,
    async close() {
      closed = true;
      clearInterval(timer);
      await current?.catch(() => undefined);
    },
  };
}
