/**
 * md.frame_to_book: WebSocket frame bytes to books updated, through the code the feed runs (frame
 * router: decode, validate, count, measure lag; then the market-data service: top of book, L2 book,
 * stale guard). Frames hold 1-8 messages as the venue batches them: stock quotes and trades, and a
 * crypto order-book delta in one frame of ten. Throughput is messages per second on one core;
 * latency is per message (a frame's time divided by its messages).
 */

import { MarketDataService } from '../../engine/marketdata/market-data-service.ts';
import { FrameRouter } from '../../shared/broker/alpaca/market-data/frame-router.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { FeedMetrics } from '../../shared/venue/feed-metrics.ts';
import { LatencyRecorder, throughputBenchmark } from '../harness.ts';

const STOCKS = ['AAPL', 'AMD', 'MSFT', 'NVDA', 'SPY', 'TSLA', 'META', 'QQQ'];
const FRAME_COUNT = 2048;
const START_US = 1_795_000_000_000_000;

function timestamp(i: number): string {
  const nanos = String(100_000_000 + ((i * 7919) % 899_999_999)).padStart(9, '0');
  return `2026-11-24T15:51:45.${nanos}Z`;
}

function message(i: number): string {
  const symbol = STOCKS[i % STOCKS.length];
  const price = (100 + (i % 997) * 0.01).toFixed(2);
  if (i % 3 === 2)
    return `{"T":"t","S":"${symbol}","i":${i},"x":"V","p":${price},"s":${1 + (i % 300)},"c":["@"],"z":"C","t":"${timestamp(i)}"}`;
  return `{"T":"q","S":"${symbol}","bx":"V","bp":${price},"bs":${1 + (i % 9)},"ax":"V","ap":${(Number(price) + 0.01).toFixed(2)},"as":${2 + (i % 7)},"c":["R"],"z":"C","t":"${timestamp(i)}"}`;
}

function bookDelta(i: number): string {
  const bid = (50_000 - (i % 20) * 0.5).toFixed(2);
  const ask = (50_001 + (i % 20) * 0.5).toFixed(2);
  return `{"T":"o","S":"BTC/USD","t":"${timestamp(i)}","b":[{"p":${bid},"s":${i % 4 === 0 ? 0 : 0.25}}],"a":[{"p":${ask},"s":0.5}]}`;
}

interface Frames {
  readonly bytes: Buffer[];
  readonly counts: number[];
}

function frames(): Frames {
  const bytes: Buffer[] = [];
  const counts: number[] = [];
  let n = 0;
  for (let f = 0; f < FRAME_COUNT; f++) {
    const size = 1 + (f % 8);
    const parts: string[] = [];
    for (let k = 0; k < size; k++) parts.push(f % 10 === 9 && k === 0 ? bookDelta(n++) : message(n++));
    bytes.push(Buffer.from(`[${parts.join(',')}]`));
    counts.push(size);
  }
  return { bytes, counts };
}

function pipeline(): (frame: Buffer) => void {
  const clock = new ManualClock(START_US / 1000);
  const metrics = new FeedMetrics();
  const service = new MarketDataService({
    clock,
    metrics,
    symbols: [...STOCKS, 'BTC/USD'],
    staleAfterMs: 5_000,
  });
  const snapshot = Buffer.from(
    `[{"T":"o","S":"BTC/USD","t":"${timestamp(0)}","r":true,"b":${JSON.stringify(
      Array.from({ length: 50 }, (_, i) => ({ p: 50_000 - i * 0.5, s: 1 })),
    )},"a":${JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ p: 50_001 + i * 0.5, s: 1 })))}}]`,
  );
  const router = new FrameRouter('bench', 'json', metrics, {
    onControl: () => {},
    onData: (messages, receivedUs) => service.onData(messages, receivedUs),
  });
  router.route(snapshot, false, START_US);
  return (frame) => router.route(frame, false, START_US);
}

export const benchmarks = [
  throughputBenchmark('md.frame_to_book', async ({ scale }) => {
    const { bytes, counts } = frames();
    const route = pipeline();
    const rounds = Math.max(1, Math.floor(200 * scale));
    for (let r = 0; r < Math.max(1, rounds / 4); r++) for (const frame of bytes) route(frame);
    const latencies = new LatencyRecorder();
    for (let r = 0; r < rounds; r++) {
      for (let f = 0; f < FRAME_COUNT; f++) {
        const start = performance.now();
        route(bytes[f]!);
        latencies.recordNs(((performance.now() - start) * 1e6) / counts[f]!);
      }
    }
    // Throughput from an untimed pass, so the timer's own cost does not count against it.
    let operations = 0;
    const start = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (let f = 0; f < FRAME_COUNT; f++) {
        route(bytes[f]!);
        operations += counts[f]!;
      }
    }
    return { operations, seconds: (performance.now() - start) / 1000, latencies };
  }),
];
