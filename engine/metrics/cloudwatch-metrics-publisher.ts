/**
 * Publishes the engine's CloudWatch metrics as EMF lines on a timer: every `intervalSeconds` the
 * collector reads the interval's metrics and each line goes to `write`. In ECS the lines go to
 * stdout, where the awslogs driver ships them to CloudWatch Logs, which extracts the metrics; no
 * PutMetricData call, no credentials. The timer is unref'd: it never keeps the process alive.
 */
import type { Config } from '../../shared/config/load-config.ts';
import { fixedToNumber } from '../../shared/domain/fixed.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { formatEmf } from '../../shared/metrics/emf.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { Persistence } from '../persistence/persistence.ts';
import type { TradingEngine } from '../trading-engine.ts';
import { ENGINE_METRIC_NAMESPACE, engineMetricDimensions } from './engine-metrics.ts';
import { EngineMetricsCollector } from './engine-metrics-collector.ts';

export interface CloudWatchMetricsOptions {
  readonly engine: TradingEngine;
  /** The engine's store and lease, as handed to the engine; absent without a store. */
  readonly persistence: Persistence | undefined;
  readonly config: Config;
  readonly intervalSeconds: number;
  /** Timestamps of the lines. */
  readonly clock: Clock;
  /** Takes each EMF line, whole and without its newline (engine/main.ts: stdout). */
  readonly write: (line: string) => void;
  readonly logger: Logger;
}

export interface CloudWatchMetricsPublisher {
  /** Publishes the metrics of the interval so far now (the timer does it every interval). */
  publish(): void;
  /** Publishes one last time and stops. */
  stop(): void;
}

export function startCloudWatchMetrics(options: CloudWatchMetricsOptions): CloudWatchMetricsPublisher {
  const { engine, config, clock, write } = options;
  const collector = new EngineMetricsCollector(
    {
      risk: engine.risk,
      orders: engine.execution.orders,
      feedMetrics: engine.feedMetrics,
      feedConnections: engine.feedConnections,
      persistence: options.persistence,
    },
    fixedToNumber(config.risk.loss.daily_loss_limit_usd),
  );
  const dimensions = engineMetricDimensions(config.system.account.name);
  const publish = (): void => {
    const lines = formatEmf({
      namespace: ENGINE_METRIC_NAMESPACE,
      dimensions,
      timestampMs: clock.nowMs(),
      metrics: collector.collect(),
    });
    for (const line of lines) write(line);
  };
  // A failed publish must not take the trading process down; the missing EngineRunning heartbeat alarms.
  const publishOrLog = (): void => {
    try {
      publish();
    } catch (error) {
      options.logger.error({ err: error }, 'CloudWatch metrics not published');
    }
  };
  const timer = setInterval(publishOrLog, options.intervalSeconds * 1_000);
  timer.unref();
  let stopped = false;
  return {
    publish,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      publishOrLog();
      collector.close();
    },
  };
}
