/**
 * The event loop's delay, sampled by Node itself (node:perf_hooks, a libuv timer): how late the
 * engine gets to what is due, which is how late it reacts to a quote. Nothing runs on the hot path.
 */
import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Node's sampling period; 10 ms is its default, fine enough for a p99 in the tens of ms. */
const RESOLUTION_MS = 10;

export class EventLoopDelay {
  readonly #histogram: ELDHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.#histogram.enable();
  }

  /** The p99 delay (ms) since the previous call, undefined without a sample; starts the next interval. */
  takeP99Ms(): number | undefined {
    const histogram = this.#histogram;
    const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 : undefined;
    histogram.reset();
    return p99;
  }

  close(): void {
    this.#histogram.disable();
  }
}
