/**
 * The engine's notifications: told of risk events, a lost lease, the restart's position check and,
 * once a second, the feeds' cut-off times, it logs one warn line per notification and offers it to
 * each sink behind that sink's own storm limiter. With no sink configured the log line is all.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../../shared/time/clock.ts';
import { systemTimers, type Timers } from '../../shared/time/timers.ts';
import type { FeedConnectionWatch } from '../marketdata/feed-connection-watch.ts';
import type { PositionDifference } from '../persistence/restart-position-check.ts';
import type { RiskEvent } from '../risk/risk-events.ts';
import {
  leaseLostNotification,
  type NotificationDraft,
  restartDifferencesNotification,
  riskEventNotification,
} from './event-notifications.ts';
import { FeedOutages } from './feed-outages.ts';
import type { NotificationSink } from './notification.ts';
import { SinkDispatch } from './sink-dispatch.ts';
import { DEFAULT_STORM_LIMITS, type StormLimits } from './storm-limiter.ts';

export interface EngineNotifierOptions {
  /** config account.name */
  readonly account: string;
  /** config environment */
  readonly environment: string;
  readonly sinks: readonly NotificationSink[];
  /** A feed cut off this long is down: config marketData.staleAfterMs. */
  readonly feedDownAfterMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly limits?: StormLimits;
  readonly timers?: Timers;
}

export class EngineNotifier {
  readonly #account: string;
  readonly #environment: string;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #dispatches: readonly SinkDispatch[];
  readonly #feeds: FeedOutages;

  constructor(options: EngineNotifierOptions) {
    this.#account = options.account;
    this.#environment = options.environment;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#feeds = new FeedOutages(options.feedDownAfterMs);
    const outcomes = new Counter({
      name: 'engine_notifications_total',
      help: 'Notifications by sink and outcome: delivered, failed (logged, not retried), held (folded into a storm summary)',
      labelNames: ['sink', 'outcome'],
      registers: [options.registry],
    });
    this.#dispatches = options.sinks.map(
      (sink) =>
        new SinkDispatch({
          sink,
          limits: options.limits ?? DEFAULT_STORM_LIMITS,
          clock: options.clock,
          timers: options.timers ?? systemTimers,
          logger: options.logger,
          outcomes,
        }),
    );
  }

  riskEvent(event: RiskEvent): void {
    this.#notify(riskEventNotification(event));
  }

  leaseLost(reason: string): void {
    this.#notify(leaseLostNotification(reason, this.#clock.nowMs()));
  }

  restartDifferences(differences: readonly PositionDifference[]): void {
    this.#notify(restartDifferencesNotification(differences, this.#clock.nowMs()));
  }

  /** The engine's feeds, in the order of its `feeds`. */
  checkFeeds(connections: readonly FeedConnectionWatch[]): void {
    const drafts = this.#feeds.check(
      connections.map((connection) => connection.disconnectedSeconds()),
      this.#clock.nowMs(),
    );
    for (const draft of drafts) this.#notify(draft);
  }

  /** Sends what the storm limiters hold and waits for the deliveries under way. */
  async close(): Promise<void> {
    await Promise.all(this.#dispatches.map((dispatch) => dispatch.close()));
  }

  #notify(draft: NotificationDraft | null): void {
    if (draft === null) return;
    const notification = { ...draft, account: this.#account, environment: this.#environment };
    this.#log.warn(
      { notification: { severity: draft.severity, kind: draft.kind, detail: draft.detail } },
      `${draft.severity} ${draft.title}`,
    );
    for (const dispatch of this.#dispatches) dispatch.offer(notification);
  }
}
