/**
 * A market-data socket that goes silent: it stays open, no close frame comes, and nothing arrives
 * on it. The in-process feed has no socket, so this plays what the engine's listener would hear
 * from the Alpaca adapter in that case — the connection's state changes, from the adapter's own
 * state table (stream-connection-states.ts), and the gap to backfill — with the adapter's timings:
 *
 * - no data for `staleAfterMs` (config marketData.staleAfterMs): `stale`, the socket kept;
 * - data again on the same socket: `ready`, and the gap since the last data handed on;
 * - nothing heard at all, not even a pong, for `silenceTimeoutMs` (the zombie deadline): the
 *   socket is replaced after the reconnect backoff, and the new one is ready with the gap.
 *
 * Only a silence runs these deadlines: outside one the feed is never quiet long enough to matter.
 */
import {
  nextStreamState,
  type StreamEvent,
  type StreamState,
} from '../shared/broker/alpaca/stream-connection-states.ts';
import {
  DEFAULT_RECONNECT_BACKOFF,
  reconnectDelayMs,
} from '../shared/broker/alpaca/stream-connection-timers.ts';
import type { MarketDataListener, MarketDataMessage } from '../shared/venue/market-data-feed.ts';
import type { EventLog } from './event-log.ts';

export interface SilentSocketOptions {
  readonly inner: MarketDataListener;
  readonly nowMs: () => number;
  readonly log: EventLog;
  readonly random: () => number;
  readonly staleAfterMs: number;
  readonly silenceTimeoutMs: number;
}

/** The handshake a replacement socket goes through before it is ready. */
const HANDSHAKE: readonly StreamEvent[] = ['retry_due', 'connected', 'authenticated', 'subscribed'];

export class SilentSocket implements MarketDataListener {
  readonly #options: SilentSocketOptions;
  #state: StreamState = 'ready';
  /** While a silence lasts: when it ends on its own, and when the socket was last heard. */
  #silence: { untilMs: number; lastHeardMs: number } | null = null;
  #reconnectAtMs: number | null = null;
  #lastDataUs: number;
  #gapStartUs: number | undefined;

  constructor(options: SilentSocketOptions) {
    this.#options = options;
    this.#lastDataUs = options.nowMs() * 1000;
  }

  get state(): StreamState {
    return this.#state;
  }

  /** Nothing arrives for `durationMs` (unless the socket is replaced first). */
  silence(durationMs: number): void {
    if (this.#silence !== null || this.#state !== 'ready') return;
    const nowMs = this.#options.nowMs();
    this.#options.log.add('fault', { fault: 'silent_socket', durationMs });
    this.#silence = { untilMs: nowMs + durationMs, lastHeardMs: this.#lastDataUs / 1000 };
  }

  /** Runs the deadlines up to now; the harness calls it once per step. */
  tick(): void {
    const silence = this.#silence;
    if (silence === null) return;
    const nowMs = this.#options.nowMs();
    const { staleAfterMs, silenceTimeoutMs } = this.#options;
    if (this.#state === 'ready' && nowMs - silence.lastHeardMs >= staleAfterMs)
      this.#apply('data_silent', `no data for ${nowMs - silence.lastHeardMs} ms`);
    if (this.#state === 'stale' && nowMs - silence.lastHeardMs >= silenceTimeoutMs) {
      this.#apply('connection_lost', `nothing heard for ${silenceTimeoutMs} ms`);
      this.#reconnectAtMs = nowMs + reconnectDelayMs(DEFAULT_RECONNECT_BACKOFF, 1, this.#options.random);
    }
    if (this.#reconnectAtMs !== null && nowMs >= this.#reconnectAtMs) {
      // A new socket: the silence was the old one's.
      this.#reconnectAtMs = null;
      this.#silence = null;
      for (const event of HANDSHAKE) this.#apply(event, event);
    } else if (this.#state !== 'reconnecting' && nowMs >= silence.untilMs) {
      this.#silence = null;
    }
  }

  onData(messages: readonly MarketDataMessage[], receivedUs: number): void {
    if (this.#silence !== null || this.#state === 'reconnecting') return;
    if (this.#state === 'stale') this.#apply('data_resumed', 'data again');
    this.#lastDataUs = receivedUs;
    this.#options.inner.onData(messages, receivedUs);
  }

  #apply(event: StreamEvent, reason: string): void {
    const previous = this.#state;
    const next = nextStreamState(previous, event);
    if (next === undefined || next === previous) return;
    this.#state = next;
    // As the adapter's feed client: a gap runs from the last data before the feed stopped being
    // ready until it is ready again.
    if (previous === 'ready') this.#gapStartUs ??= this.#lastDataUs;
    this.#options.log.add('feed_state', { state: next, previous, reason });
    this.#options.inner.onStateChange?.(next, previous, reason);
    if (next !== 'ready' || this.#gapStartUs === undefined) return;
    const endUs = this.#options.nowMs() * 1000;
    const gap = { startUs: this.#gapStartUs, endUs };
    this.#gapStartUs = undefined;
    this.#lastDataUs = endUs;
    this.#options.inner.onResumed?.(gap);
  }
}
