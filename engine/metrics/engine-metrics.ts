/**
 * The engine's CloudWatch metrics: namespace Trading, dimensions service=engine and account, as
 * the alarms and dashboards in infra/ name them.
 */
export const ENGINE_METRIC_NAMESPACE = 'Trading';
export const ENGINE_METRIC_SERVICE = 'engine';
export const ENGINE_METRICS = {
  running: 'EngineRunning',
  breakerOpen: 'CircuitBreakerOpen',
  dailyLossPctOfLimit: 'DailyLossPctOfLimit',
  feedDisconnectedSeconds: 'FeedDisconnectedSeconds',
  orderLatency: 'OrderLatency',
  ordersSent: 'OrdersSent',
  ordersFailed: 'OrdersFailed',
  writeBehindQueueDepth: 'WriteBehindQueueDepth',
  leaseHeld: 'LeaseHeld',
  leaseLost: 'LeaseLost',
  marketDataMessages: 'MarketDataMessages',
  feedLag: 'FeedLag',
  eventLoopDelay: 'EventLoopDelay',
  dailyPnl: 'DailyPnl',
  grossExposure: 'GrossExposure',
} as const;
