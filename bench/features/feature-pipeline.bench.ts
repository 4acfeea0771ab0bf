/**
 * features.update: one minute bar through a FeaturePipeline of all 13 features (about a dozen
 * indicator updates), on a random walk of bars. A sample is the mean of a batch of 10 updates.
 */
import type { Bar } from '../../shared/domain/market-data.ts';
import { FEATURE_NAMES, FeaturePipeline } from '../../shared/features/feature-pipeline.ts';
import { latencyBenchmark } from '../harness.ts';

/** 16,384 minutes: the walk wraps round about every 11 days of bars. */
const SIZE = 16_384;
const MINUTE_US = 60_000_000;
/** 2026-11-24 09:30 New York: the session VWAP restarts every 1,440 bars, as it would. */
const START_US = 1_795_962_600_000_000;

function randomWalk(): Bar[] {
  let state = 11;
  const random = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  const bars: Bar[] = [];
  let price = 100;
  for (let i = 0; i < SIZE; i++) {
    const open = price;
    price = Math.max(1, price + (random() - 0.5) * 0.2);
    bars.push({
      symbol: 'AAPL',
      kind: 'minute',
      startUs: START_US + i * MINUTE_US,
      open,
      high: Math.max(open, price) + random() * 0.05,
      low: Math.min(open, price) - random() * 0.05,
      close: price,
      volume: 100 + Math.floor(random() * 5_000),
      tradeCount: 20,
      vwap: (open + price) / 2,
    });
  }
  return bars;
}

export const benchmarks = [
  latencyBenchmark({
    name: 'features.update',
    iterations: 200_000,
    warmup: 20_000,
    batch: 10,
    setup: () => ({ pipeline: new FeaturePipeline(FEATURE_NAMES), bars: randomWalk() }),
    op: ({ pipeline, bars }, i) => pipeline.update(bars[i % SIZE]!),
  }),
];
