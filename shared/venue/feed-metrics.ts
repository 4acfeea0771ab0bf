/**
 * The market-data port's metrics sink: what a feed adapter counts (messages by kind, rejections,
 * reconnects, gaps, feed lag) and the engine adds to (backfills). No venue knowledge. The hot path bumps plain numbers and typed-array slots (a few ns); prom-client
 * reads them only when the registry is scraped, through `collect` callbacks, so a Prometheus
 * label lookup never runs per message; the engine's CloudWatch publisher reads them on its timer.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { LatencyHistogram } from '../metrics/latency-histogram.ts';
import type { Clock } from '../time/clock.ts';

export const MESSAGE_KINDS = [
  'quote',
  'trade',
  'bar',
  'orderbook',
  'status',
  'luld',
  'control',
  'ignored',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MessageKindIndex: Readonly<Record<MessageKind, number>> = Object.fromEntries(
  MESSAGE_KINDS.map((kind, index) => [kind, index]),
) as Record<MessageKind, number>;

export class FeedMetrics {
  readonly messages = new Float64Array(MESSAGE_KINDS.length);
  /** Messages (or whole frames) rejected by validation. */
  parseErrors = 0;
  reconnects = 0;
  /** Total time without data: lost or stale, from the last data received until ready again. */
  gapSeconds = 0;
  /** Bars received through REST backfill after gaps. */
  backfilledBars = 0;
  backfillFailures = 0;
  /** Each frame's arrival to the end of its synchronous handling (decode to order request), since the start. */
  readonly hotPath = new LatencyHistogram();
  readonly #lagWindows: LagWindow[] = [];

  countMessage(kindIndex: number): void {
    this.messages[kindIndex]!++;
  }

  recordLag(lagUs: number): void {
    const windows = this.#lagWindows;
    for (let i = 0; i < windows.length; i++) windows[i]!.record(lagUs);
  }

  /** Feed lag from now on, for one reader that empties it each time it reads. */
  openLagWindow(): LagWindow {
    const window = new LagWindow();
    this.#lagWindows.push(window);
    return window;
  }

  /** Registers the collectors; `prefix` keeps names unique when a process runs several feeds. */
  register(registry: Registry, clock: Clock, prefix = 'engine_marketdata_'): void {
    const messages = this.messages;
    const lastCounts = new Float64Array(MESSAGE_KINDS.length);
    let lastScrapeMs = clock.nowMs();
    const counter = (name: string, help: string, read: () => number): void => {
      new Counter({
        name: prefix + name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    };
    new Counter({
      name: `${prefix}messages_total`,
      help: 'Market-data messages received, by type',
      labelNames: ['type'],
      registers: [registry],
      collect() {
        this.reset();
        MESSAGE_KINDS.forEach((type, i) => {
          this.inc({ type }, messages[i]!);
        });
      },
    });
    new Gauge({
      name: `${prefix}messages_per_second`,
      help: 'Market-data messages per second since the previous scrape, by type',
      labelNames: ['type'],
      registers: [registry],
      collect() {
        const now = clock.nowMs();
        const seconds = Math.max(0.001, (now - lastScrapeMs) / 1000);
        MESSAGE_KINDS.forEach((type, i) => {
          this.set({ type }, (messages[i]! - lastCounts[i]!) / seconds);
          lastCounts[i] = messages[i]!;
        });
        lastScrapeMs = now;
      },
    });
    counter(
      'parse_errors_total',
      'Market-data frames or messages rejected by validation',
      () => this.parseErrors,
    );
    counter('reconnects_total', 'Market-data feed reconnections', () => this.reconnects);
    counter(
      'gap_seconds_total',
      'Seconds without market data while lost or stale, from the last data received until ready again',
      () => this.gapSeconds,
    );
    counter(
      'backfilled_bars_total',
      'Minute bars fetched over REST to fill reconnect gaps',
      () => this.backfilledBars,
    );
    counter('backfill_failures_total', 'Gap backfills that failed', () => this.backfillFailures);
    const hotPath = this.hotPath;
    new Gauge({
      name: `${prefix}hot_path_seconds`,
      help: "A frame's arrival to the end of its synchronous handling (decode, books, risk, strategies, order request), since the start",
      labelNames: ['stat'],
      registers: [registry],
      collect() {
        const percentiles = hotPath.percentiles();
        if (percentiles === null) return;
        this.set({ stat: 'p50' }, percentiles.p50Us / 1e6);
        this.set({ stat: 'p90' }, percentiles.p90Us / 1e6);
        this.set({ stat: 'p99' }, percentiles.p99Us / 1e6);
        this.set({ stat: 'max' }, percentiles.maxUs / 1e6);
      },
    });
    counter(
      'hot_path_frames_total',
      'Market-data frames timed for the hot-path latency',
      () => hotPath.count,
    );
    const lag = this.openLagWindow();
    new Gauge({
      name: `${prefix}feed_lag_seconds`,
      help: 'Exchange timestamp to receipt, over messages since the previous scrape',
      labelNames: ['stat'],
      registers: [registry],
      collect() {
        if (lag.count > 0) {
          this.set({ stat: 'max' }, lag.maxUs / 1e6);
          this.set({ stat: 'mean' }, lag.sumUs / lag.count / 1e6);
          this.set({ stat: 'last' }, lag.lastUs / 1e6);
        }
        lag.reset();
      },
    });
  }
}

/**
 * Feed lag (exchange time to receipt) over one reader's period. A Prometheus scrape and the
 * CloudWatch publish each empty theirs when they read, so neither takes the other's maximum.
 */
export class LagWindow {
  maxUs = 0;
  sumUs = 0;
  count = 0;
  lastUs = Number.NaN;

  record(lagUs: number): void {
    if (lagUs > this.maxUs) this.maxUs = lagUs;
    this.sumUs += lagUs;
    this.count++;
    this.lastUs = lagUs;
  }

  /** Starts the next period; the last lag is kept. */
  reset(): void {
    this.maxUs = 0;
    this.sumUs = 0;
    this.count = 0;
  }
}
