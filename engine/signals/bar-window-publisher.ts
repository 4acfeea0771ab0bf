/**
 * Publishes each closed minute bar of a symbol the signal function needs, with the closed bars
 * before it, to the bars queue. Beside the market-data path, never on it: `onBar` only puts the
 * window in a bounded buffer (no serialising, no I/O, no await) and never throws; a background
 * flush sends it in batches of ten, one batch in flight at a time. When SQS is slow or down the
 * buffer fills and the oldest windows are dropped, since a signal on a fresher bar is worth more;
 * every dropped window is counted by reason.
 */
import { Counter, type Registry } from 'prom-client';
import type { Bar } from '../../shared/domain/market-data.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { BatchFailure } from '../../shared/queues/send-message-batch.ts';
import { SQS_MAX_BATCH } from '../../shared/queues/send-message-batch.ts';
import { barWindowMessage } from '../../shared/signals/bar-window-message.ts';
import type { Clock } from '../../shared/time/clock.ts';

/** Sends bodies to the bars queue; answers which did not get in. Never throws. */
export type BarQueueSender = (bodies: readonly string[]) => Promise<BatchFailure[]>;

export interface BarWindowPublisherOptions {
  readonly send: BarQueueSender;
  /** Symbols whose bars the signal function needs. */
  readonly symbols: readonly string[];
  readonly bufferSize: number;
  readonly flushIntervalMs: number;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly logger: Logger;
}

interface PendingWindow {
  readonly symbol: string;
  readonly bars: readonly Bar[];
}

export type BarDropReason = 'buffer_full' | 'send_failed' | 'stopped';

export class BarWindowPublisher {
  readonly #options: BarWindowPublisherOptions;
  readonly #symbols: ReadonlySet<string>;
  readonly #buffer: PendingWindow[] = [];
  readonly #published: Counter;
  readonly #dropped: Counter<'reason'>;
  /** Cancels the scheduled flush, while one is scheduled. */
  #timer: (() => void) | undefined;
  #flushing: Promise<void> | undefined;
  #failing = false;
  #stopped = false;

  constructor(options: BarWindowPublisherOptions) {
    this.#options = options;
    this.#symbols = new Set(options.symbols);
    this.#published = new Counter({
      name: 'engine_signal_bars_published_total',
      help: 'Bar windows sent to the bars queue (the signal function computes signals on them)',
      registers: [options.registry],
    });
    this.#dropped = new Counter({
      name: 'engine_signal_bars_dropped_total',
      help: 'Bar windows not sent to the bars queue, by reason: buffer_full (SQS slower than bars arrive; the oldest goes), send_failed (SQS refused or did not answer), stopped (the engine stopped before they were sent)',
      labelNames: ['reason'],
      registers: [options.registry],
    });
  }

  /** Whether bars of this symbol go to the bars queue. */
  wants(symbol: string): boolean {
    return this.#symbols.has(symbol);
  }

  /** A symbol's window, the newest bar the one just closed. Synchronous and cheap; never throws. */
  publish(symbol: string, bars: readonly Bar[]): void {
    if (this.#stopped || bars.length === 0 || !this.#symbols.has(symbol)) return;
    const buffer = this.#buffer;
    if (buffer.length >= this.#options.bufferSize) {
      buffer.shift();
      this.#dropped.inc({ reason: 'buffer_full' });
    }
    buffer.push({ symbol, bars });
    this.#schedule();
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  /** Sends what is buffered (waiting for a batch in flight), then drops what could not be sent. */
  async stop(): Promise<void> {
    this.#timer?.();
    this.#timer = undefined;
    await this.#flushing;
    await this.#flush();
    this.#stopped = true;
    if (this.#buffer.length > 0) this.#dropped.inc({ reason: 'stopped' }, this.#buffer.splice(0).length);
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#flushing !== undefined) return;
    const run = (): void => {
      this.#timer = undefined;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        if (this.#buffer.length > 0 && !this.#stopped) this.#schedule();
      });
    };
    // setTimeout(0) waits a millisecond; the next turn of the event loop is soon enough to batch
    // the bars of one feed frame and keeps the send off the frame's path.
    if (this.#options.flushIntervalMs === 0) {
      const immediate = setImmediate(run);
      this.#timer = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(run, this.#options.flushIntervalMs);
      this.#timer = () => clearTimeout(timeout);
    }
  }

  async #flush(): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, SQS_MAX_BATCH);
      const bodies = batch.map((window) =>
        JSON.stringify(barWindowMessage(window.symbol, window.bars, this.#options.clock.nowMs())),
      );
      let failures: BatchFailure[];
      try {
        failures = await this.#options.send(bodies);
      } catch (error) {
        // The sender promises not to throw; if it does, the batch is lost like any failed send.
        failures = bodies.map((_, index) => ({ index, reason: String(error) }));
      }
      this.#published.inc(batch.length - failures.length);
      if (failures.length > 0) this.#dropped.inc({ reason: 'send_failed' }, failures.length);
      this.#report(failures);
    }
  }

  /** One warning when sends start failing and one note when they recover, not one per batch. */
  #report(failures: readonly BatchFailure[]): void {
    if (failures.length > 0 && !this.#failing) {
      this.#failing = true;
      this.#options.logger.warn(
        { reason: failures[0]!.reason, dropped: failures.length },
        'bars queue unavailable: dropping bar windows until it answers',
      );
    } else if (failures.length === 0 && this.#failing) {
      this.#failing = false;
      this.#options.logger.info('bars queue answers again');
    }
  }
}
