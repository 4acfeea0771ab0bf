/**
 * The contract the CloudWatch alarms and dashboards (infra/) are written against: renaming a
 * metric or changing its unit here breaks them, so this test names each one exactly.
 */
import { describe, expect, it } from 'vitest';
import {
  ENGINE_METRIC_NAMESPACE,
  ENGINE_METRIC_SERVICE,
  ENGINE_METRIC_UNITS,
  ENGINE_METRICS,
  engineMetricDimensions,
} from '../../../engine/metrics/engine-metrics.ts';

describe('The engine metrics contract', () => {
  it('names every metric, its unit, the namespace and the dimension set exactly', () => {
    expect(ENGINE_METRIC_NAMESPACE).toBe('Trading');
    expect(ENGINE_METRIC_SERVICE).toBe('engine');
    expect(Object.keys(engineMetricDimensions('paper-one'))).toStrictEqual(['service', 'account']);
    expect(engineMetricDimensions('paper-one')).toStrictEqual({ service: 'engine', account: 'paper-one' });
    const contract = Object.fromEntries(
      Object.entries(ENGINE_METRICS).map(([key, name]) => [
        key,
        [name, ENGINE_METRIC_UNITS[key as keyof typeof ENGINE_METRICS]],
      ]),
    );
    expect(contract).toStrictEqual({
      running: ['EngineRunning', 'Count'],
      breakerOpen: ['CircuitBreakerOpen', 'None'],
      dailyLossPctOfLimit: ['DailyLossPctOfLimit', 'Percent'],
      feedDisconnectedSeconds: ['FeedDisconnectedSeconds', 'Seconds'],
      orderLatency: ['OrderLatency', 'Milliseconds'],
      ordersSent: ['OrdersSent', 'Count'],
      ordersFailed: ['OrdersFailed', 'Count'],
      writeBehindQueueDepth: ['WriteBehindQueueDepth', 'Count'],
      leaseHeld: ['LeaseHeld', 'None'],
      leaseLost: ['LeaseLost', 'Count'],
      marketDataMessages: ['MarketDataMessages', 'Count'],
      feedLag: ['FeedLag', 'Milliseconds'],
      eventLoopDelay: ['EventLoopDelay', 'Milliseconds'],
      dailyPnl: ['DailyPnl', 'None'],
      grossExposure: ['GrossExposure', 'None'],
    });
  });
});
