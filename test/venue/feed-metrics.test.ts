import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.ts';
import { FeedMetrics, MessageKindIndex } from '../../shared/venue/feed-metrics.ts';

describe('Class: FeedMetrics', () => {
  it('exposes the hot-path counters through the registry it is given', async () => {
    const clock = new ManualClock(1_000_000);
    const registry = new Registry();
    const metrics = new FeedMetrics();
    metrics.register(registry, clock);
    for (let i = 0; i < 30; i++) metrics.countMessage(MessageKindIndex.quote);
    metrics.countMessage(MessageKindIndex.trade);
    metrics.parseErrors = 2;
    metrics.reconnects = 1;
    metrics.gapSeconds = 4.5;
    metrics.recordLag(2_000);
    metrics.recordLag(4_000);
    clock.advanceMs(10_000);

    const text = await registry.metrics();
    expect(text).toContain('engine_marketdata_messages_total{type="quote"} 30');
    expect(text).toContain('engine_marketdata_messages_total{type="trade"} 1');
    expect(text).toContain('engine_marketdata_messages_per_second{type="quote"} 3');
    expect(text).toContain('engine_marketdata_parse_errors_total 2');
    expect(text).toContain('engine_marketdata_reconnects_total 1');
    expect(text).toContain('engine_marketdata_gap_seconds_total 4.5');
    expect(text).toContain('engine_marketdata_feed_lag_seconds{stat="max"} 0.004');
    expect(text).toContain('engine_marketdata_feed_lag_seconds{stat="mean"} 0.003');

    // Rates and lag cover the time since the previous scrape.
    clock.advanceMs(10_000);
    const again = await registry.metrics();
    expect(again).toContain('engine_marketdata_messages_per_second{type="quote"} 0');
    expect(again).toContain('engine_marketdata_messages_total{type="quote"} 30');
  });

  it('exposes the hot-path latency percentiles since the start, once a frame is timed', async () => {
    const registry = new Registry();
    const metrics = new FeedMetrics();
    metrics.register(registry, new ManualClock(1_000_000));
    expect(await registry.metrics()).not.toContain('engine_marketdata_hot_path_seconds{');

    for (const us of [2, 2, 2, 3, 40]) metrics.hotPath.record(us);

    const text = await registry.metrics();
    expect(text).toContain('engine_marketdata_hot_path_frames_total 5');
    expect(text).toMatch(/engine_marketdata_hot_path_seconds\{stat="p50"\} 0\.00000[23]/);
    expect(text).toContain('engine_marketdata_hot_path_seconds{stat="max"} 0.00004');
  });
});
