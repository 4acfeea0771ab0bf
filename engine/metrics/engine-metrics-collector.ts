/**
 * Reads the engine's state and counters once per publish interval into its CloudWatch metrics
 * (engine-metrics.ts). The hot path only bumps the counters it reads (feed metrics, order
 * metrics); everything here runs on the publish timer. Counts are the interval's: the difference
 * from the previous read of the running totals.
 */
import { type Fixed, fixedToNumber } from '../../shared/domain/fixed.ts';
import type { EmfDistribution, EmfMetric } from '../../shared/metrics/emf.ts';
import { type FeedMetrics, type LagWindow, MessageKindIndex } from '../../shared/venue/feed-metrics.ts';
import type { OrderMetrics } from '../execution/order-metrics.ts';
import type { FeedConnectionWatch } from '../marketdata/feed-connection-watch.ts';
import type { LeaseState } from '../persistence/engine-lease.ts';
import type { BreakerState } from '../risk/risk-events.ts';
import { ENGINE_METRIC_UNITS, ENGINE_METRICS, type EngineMetricKey } from './engine-metrics.ts';
import { EventLoopDelay } from './event-loop-delay.ts';
import { roundedDistribution } from './rounded-distribution.ts';

/** What the metrics are read from: the engine's parts (engine/trading-engine.ts) and its persistence. */
export interface EngineMetricSources {
  readonly risk: {
    snapshot(): {
      readonly breaker: BreakerState;
      readonly dailyPnlUsd: number;
      readonly grossExposure: Fixed;
    };
  };
  readonly orders: OrderMetrics;
  readonly feedMetrics: FeedMetrics;
  readonly feedConnections: readonly FeedConnectionWatch[];
  /** Absent when the engine runs without a store: then there is no queue and no lease to report. */
  readonly persistence:
    | { readonly queue: { readonly depth: number }; readonly lease: { readonly state: LeaseState } }
    | undefined;
}

/** Order answer times are published to 0.1 ms. */
const LATENCY_DECIMALS = 1;

export class EngineMetricsCollector {
  readonly #sources: EngineMetricSources;
  readonly #dailyLossLimitUsd: number;
  readonly #lag: LagWindow;
  readonly #eventLoop = new EventLoopDelay();
  #ordersSent: number;
  #ordersFailed: number;
  #messages: number;
  #leaseLosses: number;

  constructor(sources: EngineMetricSources, dailyLossLimitUsd: number) {
    this.#sources = sources;
    this.#dailyLossLimitUsd = dailyLossLimitUsd;
    this.#lag = sources.feedMetrics.openLagWindow();
    this.#ordersSent = sources.orders.sent;
    this.#ordersFailed = sources.orders.failed;
    this.#messages = this.#messagesReceived();
    this.#leaseLosses = this.#leaseLossCount();
  }

  /** The metrics of the interval since the previous call (or since construction). */
  collect(): EmfMetric[] {
    const { risk, orders, feedConnections, persistence } = this.#sources;
    const metrics: EmfMetric[] = [];
    const add = (key: EngineMetricKey, value: number | EmfDistribution): void => {
      metrics.push({ name: ENGINE_METRICS[key], unit: ENGINE_METRIC_UNITS[key], value });
    };
    const snapshot = risk.snapshot();
    add('running', 1);
    add('breakerOpen', snapshot.breaker === 'normal' ? 0 : 1);
    const loss = Math.max(0, -snapshot.dailyPnlUsd);
    add('dailyLossPctOfLimit', (loss / this.#dailyLossLimitUsd) * 100);
    add(
      'feedDisconnectedSeconds',
      feedConnections.reduce((longest, feed) => Math.max(longest, feed.disconnectedSeconds()), 0),
    );
    const latencies = orders.takeLatenciesMs();
    if (latencies.length > 0) add('orderLatency', roundedDistribution(latencies, LATENCY_DECIMALS));
    add('ordersSent', orders.sent - this.#ordersSent);
    add('ordersFailed', orders.failed - this.#ordersFailed);
    this.#ordersSent = orders.sent;
    this.#ordersFailed = orders.failed;
    if (persistence !== undefined) {
      add('writeBehindQueueDepth', persistence.queue.depth);
      add('leaseHeld', persistence.lease.state === 'held' ? 1 : 0);
      const losses = this.#leaseLossCount();
      add('leaseLost', losses - this.#leaseLosses);
      this.#leaseLosses = losses;
    }
    const messages = this.#messagesReceived();
    add('marketDataMessages', messages - this.#messages);
    this.#messages = messages;
    if (this.#lag.count > 0) add('feedLag', this.#lag.maxUs / 1_000);
    this.#lag.reset();
    const eventLoop = this.#eventLoop.take();
    if (eventLoop !== undefined) add('eventLoopDelay', eventLoop.p99Ms);
    add('dailyPnl', snapshot.dailyPnlUsd);
    add('grossExposure', fixedToNumber(snapshot.grossExposure));
    return metrics;
  }

  /** Stops sampling the event loop. */
  close(): void {
    this.#eventLoop.close();
  }

  #messagesReceived(): number {
    const messages = this.#sources.feedMetrics.messages;
    let total = 0;
    for (let i = 0; i < messages.length; i++) if (i !== MessageKindIndex.control) total += messages[i]!;
    return total;
  }

  /** A lease object is taken once and lost at most once, so its state is its count of losses. */
  #leaseLossCount(): number {
    return this.#sources.persistence?.lease.state === 'lost' ? 1 : 0;
  }
}
