/**
 * The engine's CloudWatch metrics: the contract the alarms and dashboards (infra/) are written
 * against. Every metric is published in namespace `Trading` under the one dimension set
 * [service, account], with service `engine` and account the config's `account.name`.
 */
import type { EmfUnit } from '../../shared/metrics/emf.ts';

export const ENGINE_METRIC_NAMESPACE = 'Trading';
export const ENGINE_METRIC_SERVICE = 'engine';

export const ENGINE_METRICS = {
  /** 1 on every publish: a heartbeat, so missing data means the engine is not running. */
  running: 'EngineRunning',
  /** 1 while the circuit breaker is tripped (reducing) or halted, else 0. */
  breakerOpen: 'CircuitBreakerOpen',
  /** Today's loss as a percent of the risk file's loss.daily_loss_limit_usd; 0 while P&L ≥ 0. */
  dailyLossPctOfLimit: 'DailyLossPctOfLimit',
  /** Seconds the longest cut-off market-data feed has been without a connection; 0 while all stream. */
  feedDisconnectedSeconds: 'FeedDisconnectedSeconds',
  /** A distribution: each order submit's time from being sent to the broker's answer; absent without orders. */
  orderLatency: 'OrderLatency',
  /** Orders sent to the broker in the interval. */
  ordersSent: 'OrdersSent',
  /** Orders of the interval the broker rejected, that could not be sent, or whose outcome stayed unknown. */
  ordersFailed: 'OrdersFailed',
  /** Items waiting in the write-behind queue to the store, at publish time. */
  writeBehindQueueDepth: 'WriteBehindQueueDepth',
  /** 1 while this engine holds the account's lease, else 0. */
  leaseHeld: 'LeaseHeld',
  /** Times the lease was lost in the interval. */
  leaseLost: 'LeaseLost',
  /** Market-data messages received in the interval (protocol control messages not counted). */
  marketDataMessages: 'MarketDataMessages',
  /** The largest exchange-timestamp-to-receipt lag of the interval; absent without messages. */
  feedLag: 'FeedLag',
  /** p99 of the event loop's delay over the interval. */
  eventLoopDelay: 'EventLoopDelay',
  /** Today's P&L in dollars, realized and unrealized, as the daily loss limit sees it. */
  dailyPnl: 'DailyPnl',
  /** Gross exposure in dollars, working orders counted as if filled, as the exposure limit sees it. */
  grossExposure: 'GrossExposure',
} as const;

export type EngineMetricKey = keyof typeof ENGINE_METRICS;

export const ENGINE_METRIC_UNITS: Readonly<Record<EngineMetricKey, EmfUnit>> = {
  running: 'Count',
  breakerOpen: 'None',
  dailyLossPctOfLimit: 'Percent',
  feedDisconnectedSeconds: 'Seconds',
  orderLatency: 'Milliseconds',
  ordersSent: 'Count',
  ordersFailed: 'Count',
  writeBehindQueueDepth: 'Count',
  leaseHeld: 'None',
  leaseLost: 'Count',
  marketDataMessages: 'Count',
  feedLag: 'Milliseconds',
  eventLoopDelay: 'Milliseconds',
  dailyPnl: 'None',
  grossExposure: 'None',
};

/** The dimension values of one engine's metrics, keys in the order of the dimension set. */
export function engineMetricDimensions(accountName: string): Readonly<Record<string, string>> {
  return { service: ENGINE_METRIC_SERVICE, account: accountName };
}
