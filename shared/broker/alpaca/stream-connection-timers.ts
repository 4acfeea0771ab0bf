/**
 * The time-driven parts of a stream connection: the reconnect backoff and the silence deadlines
 * (liveness: nothing heard, not even a pong; staleness: no data). Timers are injected so tests
 * fire them by hand.
 */
import type { Clock } from '../../time/clock.ts';
import type { Timers } from '../../time/timers.ts';

export interface Backoff {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: Backoff = { baseDelayMs: 250, maxDelayMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (1 for the first): the exponential cap, half of it
 * fixed and half jitter, so a retry is never immediate and clients dropped together do not come
 * back in lockstep. `random` returns [0, 1).
 */
export function reconnectDelayMs(backoff: Backoff, attempt: number, random: () => number): number {
  const cap = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(cap / 2 + random() * (cap / 2));
}

export interface SilenceDeadlineOptions {
  readonly timers: Timers;
  readonly clock: Clock;
  readonly limitMs: number;
  /** While time is left, `onTick` runs at least this often (the liveness ping). */
  readonly tickMs?: number;
  readonly onTick?: () => void;
  /** Nothing heard for `limitMs`; the deadline is then disarmed until the next start. */
  readonly onExpired: (silentMs: number) => void;
}

/**
 * Expires once nothing has been heard for `limitMs`. `heard` only stores a time, because it runs
 * for every frame; the one timer checks when it fires and re-arms itself for the time left.
 */
export class SilenceDeadline {
  readonly #options: SilenceDeadlineOptions;
  #lastHeardMs = 0;
  #timer: unknown;

  constructor(options: SilenceDeadlineOptions) {
    this.#options = options;
  }

  /** Counts silence from now. */
  start(): void {
    this.stop();
    this.#lastHeardMs = this.#options.clock.nowMs();
    this.#arm(this.#options.limitMs);
  }

  heard(nowMs: number): void {
    this.#lastHeardMs = nowMs;
  }

  stop(): void {
    if (this.#timer === undefined) return;
    this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(leftMs: number): void {
    const { tickMs, timers } = this.#options;
    this.#timer = timers.setTimeout(() => this.#check(), Math.min(tickMs ?? leftMs, leftMs));
  }

  #check(): void {
    const { clock, limitMs, onTick, onExpired } = this.#options;
    const silentMs = clock.nowMs() - this.#lastHeardMs;
    if (silentMs >= limitMs) {
      this.#timer = undefined;
      onExpired(silentMs);
      return;
    }
    onTick?.();
    this.#arm(limitMs - silentMs);
  }
}
