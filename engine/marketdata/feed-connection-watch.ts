/**
 * Since when one feed has been cut off, from its state changes. Connected means `ready`, or
 * `stale`: authenticated and subscribed with the socket up, only quiet, as a stock feed is every
 * night, which is no outage. A feed not started yet (`idle`) or stopped is not expected to stream
 * and does not count either. Every other state (connecting, reconnecting, fatal) counts from the
 * moment the feed left a connected or idle state.
 */
import type { Clock } from '../../shared/time/clock.ts';
import type { ConnectionState } from '../../shared/venue/connection-state.ts';

export class FeedConnectionWatch {
  readonly #clock: Clock;
  /** When the feed stopped being connected; NaN while it is (or does not count). */
  #cutOffAtMs = Number.NaN;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  onStateChange(state: ConnectionState): void {
    if (state === 'ready' || state === 'stale' || state === 'idle' || state === 'stopped')
      this.#cutOffAtMs = Number.NaN;
    else if (Number.isNaN(this.#cutOffAtMs)) this.#cutOffAtMs = this.#clock.nowMs();
  }

  /** Seconds the feed has been cut off; 0 while it is connected. */
  disconnectedSeconds(): number {
    return Number.isNaN(this.#cutOffAtMs) ? 0 : (this.#clock.nowMs() - this.#cutOffAtMs) / 1_000;
  }
}
