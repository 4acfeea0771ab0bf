/**
 * signals.bar_to_order: a closed bar handed to the engine → an order request sent to the venue,
 * through the whole local signal path (publisher, fauxqs bars queue, local event source, signal
 * function with idempotency in dynalite scoring the window with a model, signals queue, consumer,
 * the model-driven strategy, risk, execution),
 * with the shipped `signals` settings (config/system.json). One bar at a time, each timed until
 * its order goes out, so a sample is one trip, not time spent queued behind the previous bar.
 * Risk limits that would refuse a thousand round trips a minute (throttles, the duplicate
 * window, the request budget, the breaker, the fill latch, PDT) are lifted: they are not the path.
 */
import type { Benchmark, BenchmarkResult } from '../harness.ts';
import { LatencyRecorder } from '../harness.ts';
import { type SignalPathStack, startSignalPathStack } from './signal-path-stack.ts';

const BARS = 1_000;
const WARMUP = 20;
const ORDER_TIMEOUT_MS = 2_000;
const GAP_MS = 2;
const RECHECK_MS = 5;

/**
 * Waits (bounded) until `done` holds, checking at each of the engine's execution events (an order
 * sent, a fill booked: published after the engine's state is updated) and every few milliseconds
 * besides; false if it never did. It sleeps between checks: a waiter that spun on setImmediate
 * kept one of the machine's cores busy throughout and slowed the processes it was timing.
 */
async function until(stack: SignalPathStack, done: () => boolean): Promise<boolean> {
  const giveUpAt = performance.now() + ORDER_TIMEOUT_MS;
  while (!done()) {
    if (performance.now() > giveUpAt) return false;
    await stack.nextEvent(RECHECK_MS);
  }
  return true;
}

export const barToOrder: Benchmark = {
  name: 'signals.bar_to_order',
  async execute({ scale }): Promise<BenchmarkResult> {
    const bars = Math.max(10, Math.floor(BARS * scale));
    const stack = await startSignalPathStack({
      symbol: 'AAPL',
      price: 190,
      venueRequestsPerMinute: 1_000_000,
      risk: {
        requests_per_minute: '1000000',
        duplicate_window_ms: '0',
        max_orders_per_symbol_per_window: '1000000',
        max_orders_per_window: '1000000',
        enabled: 'false',
        max_fills: '1000000',
        enforce_pattern_day_trader: 'false',
      },
    });
    const recorder = new LatencyRecorder();
    let missing = 0;
    const startedAt = performance.now();
    try {
      // The first bar has no bar before it to make a return of; after it, bars alternate up and
      // back down, so the model says long, flat, long…: each bar is one order.
      stack.bar(0);
      for (let i = 1; i <= WARMUP + bars; i++) {
        const expected = stack.sent.length + 1;
        const barAt = performance.now();
        stack.bar(i, i % 2 === 1);
        if (!(await until(stack, () => stack.sent.length >= expected))) {
          missing++;
          continue;
        }
        if (i > WARMUP) recorder.recordNs((stack.sent[expected - 1]!.atMs - barAt) * 1e6);
        // The next bar comes once this order has filled in full, as a live market's next minute
        // would: an exit sent beside a partly filled entry would sell more than is held.
        const { side, qty } = stack.sent[expected - 1]!.intent;
        await until(stack, () => stack.engine.portfolio.position('AAPL').qty === (side === 'buy' ? qty : 0n));
        await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      }
    } finally {
      await stack.close();
    }
    if (missing > 0)
      console.error(`signals.bar_to_order: ${missing} bars gave no order within ${ORDER_TIMEOUT_MS} ms`);
    return recorder.result('signals.bar_to_order', bars / ((performance.now() - startedAt) / 1000));
  },
};

export const benchmarks: Benchmark[] = [barToOrder];
