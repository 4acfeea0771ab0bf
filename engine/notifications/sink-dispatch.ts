/**
 * One sink behind its own storm limiter: notifications pass or are held, a timer closes the window
 * and sends its summary, and every delivery's outcome is counted. A failed delivery is logged and
 * counted, never retried (a retry would feed the storm) and never thrown: nothing of a sink's
 * trouble reaches the engine.
 */
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Clock } from '../../shared/time/clock.ts';
import type { Timers } from '../../shared/time/timers.ts';
import type { Notification, NotificationSink, OutgoingMessage } from './notification.ts';
import { StormLimiter, type StormLimits } from './storm-limiter.ts';

export type DeliveryOutcome = 'delivered' | 'failed' | 'held';

export interface SinkDispatchOptions {
  readonly sink: NotificationSink;
  readonly limits: StormLimits;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly outcomes: Counter<'sink' | 'outcome'>;
}

export class SinkDispatch {
  readonly #sink: NotificationSink;
  readonly #limiter: StormLimiter;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #log: Logger;
  readonly #outcomes: Counter<'sink' | 'outcome'>;
  readonly #inFlight = new Set<Promise<void>>();
  #summaryTimer: unknown;
  #closed = false;

  constructor(options: SinkDispatchOptions) {
    this.#sink = options.sink;
    this.#limiter = new StormLimiter(options.limits);
    this.#clock = options.clock;
    this.#timers = options.timers;
    this.#log = options.logger;
    this.#outcomes = options.outcomes;
  }

  offer(notification: Notification): void {
    if (this.#closed) return;
    const nowMs = this.#clock.nowMs();
    const admission = this.#limiter.admit(notification, nowMs);
    if (admission.action === 'send') {
      this.#deliver({ type: 'notification', notification });
      return;
    }
    this.#outcomes.inc({ sink: this.#sink.name, outcome: 'held' });
    if (this.#summaryTimer === undefined)
      this.#summaryTimer = this.#timers.setTimeout(
        () => this.#closeWindow(),
        Math.max(0, admission.summaryAtMs - nowMs),
      );
  }

  /** Sends what is held now, as a summary, and waits for every delivery under way. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#summaryTimer !== undefined) this.#timers.clearTimeout(this.#summaryTimer);
      this.#closeWindow();
    }
    await Promise.all(this.#inFlight);
  }

  #closeWindow(): void {
    this.#summaryTimer = undefined;
    const summary = this.#limiter.closeWindow(this.#clock.nowMs());
    if (summary !== null) this.#deliver({ type: 'summary', summary });
  }

  #deliver(message: OutgoingMessage): void {
    const sink = this.#sink.name;
    const delivery = this.#sink.deliver(message).then(
      () => {
        this.#outcomes.inc({ sink, outcome: 'delivered' });
      },
      (error: unknown) => {
        this.#outcomes.inc({ sink, outcome: 'failed' });
        this.#log.error(
          {
            sink,
            message: message.type === 'notification' ? message.notification.kind : 'storm_summary',
            reason: error instanceof Error ? error.message : String(error),
          },
          'notification not delivered',
        );
      },
    );
    this.#inFlight.add(delivery);
    void delivery.finally(() => this.#inFlight.delete(delivery));
  }
}
