/**
 * One reading of both ends of the feed during the soak: the engine's Prometheus metrics (memory,
 * event-loop delay, market-data messages received) and the simulator's count of messages sent.
 */
import { eventLoopDelayMs } from '../../engine/metrics/event-loop-delay.ts';
import { parsePrometheusText } from './prometheus-text.ts';

/** What the engine's /metrics says at one instant; counters are totals since the engine started. */
export interface EngineReading {
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
  /** p99 of the event loop's delay since the previous scrape, its sampling period taken off. */
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Market-data messages by type, protocol control messages left out. */
  readonly received: Readonly<Record<string, number>>;
  /** Messages or frames the engine's validation rejected. */
  readonly rejected: number;
  readonly reconnects: number;
  /** Order intents the engine did not send, by reason: why a quiet run did not trade. */
  readonly refused: Readonly<Record<string, number>>;
  /** Orders sent and executions booked since the engine started. */
  readonly ordersSent: number;
  readonly fillsBooked: number;
}

export interface SoakSample extends EngineReading {
  /** Milliseconds since the soak's first sample. */
  readonly atMs: number;
  /** Data messages the simulator has handed to the engine's sockets, all channels. */
  readonly sent: number;
  /**
   * The largest delay of the soak's own event loop over the interval. The soak process idles
   * between samples, so a delay there is the machine not running it: the control that tells a
   * stall of the machine from the engine's own.
   */
  readonly soakLagMaxMs: number;
}

const PREFIX = 'engine_';

export function engineReading(metricsText: string): EngineReading {
  const received: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const values = new Map<string, number>();
  for (const sample of parsePrometheusText(metricsText)) {
    if (sample.name === `${PREFIX}marketdata_messages_total`) {
      const type = sample.labels.type ?? 'unknown';
      if (type !== 'control') received[type] = (received[type] ?? 0) + sample.value;
    } else if (sample.name === `${PREFIX}intents_refused_total`) {
      const reason = sample.labels.reason ?? 'unknown';
      refused[reason] = (refused[reason] ?? 0) + sample.value;
    } else values.set(sample.name, sample.value);
  }
  const read = (name: string, prefix = PREFIX): number => {
    const value = values.get(prefix + name);
    if (value === undefined) throw new Error(`the engine's /metrics has no ${prefix}${name}`);
    return value;
  };
  return {
    heapUsedBytes: read('nodejs_heap_size_used_bytes'),
    rssBytes: read('process_resident_memory_bytes'),
    lagP99Ms: eventLoopDelayMs(read('nodejs_eventloop_lag_p99_seconds') * 1000),
    lagMaxMs: eventLoopDelayMs(read('nodejs_eventloop_lag_max_seconds') * 1000),
    received,
    rejected: read('marketdata_parse_errors_total'),
    reconnects: read('marketdata_reconnects_total'),
    refused,
    ordersSent: read('execution_orders_sent_total', ''),
    fillsBooked: read('execution_fills_booked_total', ''),
  };
}

export function totalOf(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const value of Object.values(counts)) total += value;
  return total;
}

/** The simulator's channels under the engine's message types, so the two counts line up. */
export const CHANNEL_TYPES: Readonly<Record<string, string>> = {
  quotes: 'quote',
  trades: 'trade',
  bars: 'bar',
  updatedBars: 'bar',
  dailyBars: 'bar',
  statuses: 'status',
  lulds: 'luld',
  orderbooks: 'orderbook',
};

export function sentByType(byChannel: Readonly<Record<string, number>>): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const [channel, count] of Object.entries(byChannel)) {
    const type = CHANNEL_TYPES[channel] ?? channel;
    byType[type] = (byType[type] ?? 0) + count;
  }
  return byType;
}
