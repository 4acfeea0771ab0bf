/**
 * The event loop's delay, sampled by Node itself (node:perf_hooks, a libuv timer): how late the
 * engine gets to what is due, which is how late it reacts to a quote. Nothing runs on the hot path.
 */
import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Node's sampling period; 10 ms is its default, fine enough for a p99 in the tens of ms. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

/**
 * Node records the whole time between two of its timer's callbacks, the period included (an idle
 * loop shows about 10 ms at a 10 ms resolution), so the delay is that time less the period.
 */
export function eventLoopDelayMs(recordedMs: number): number {
  return Math.max(0, recordedMs - EVENT_LOOP_RESOLUTION_MS);
}

export class EventLoopDelay {
  readonly #histogram: ELDHistogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });

  constructor() {
    this.#histogram.enable();
  }

  /** The p99 and the largest delay (ms) since the previous call, undefined without a sample; starts the next interval. */
  take(): { readonly p99Ms: number; readonly maxMs: number } | undefined {
    const histogram = this.#histogram;
    const delay =
      histogram.count > 0
        ? {
            p99Ms: eventLoopDelayMs(histogram.percentile(99) / 1e6),
            maxMs: eventLoopDelayMs(histogram.max / 1e6),
          }
        : undefined;
    histogram.reset();
    return delay;
  }

  close(): void {
    this.#histogram.disable();
  }
}
