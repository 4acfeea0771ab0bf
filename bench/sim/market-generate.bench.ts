/**
 * sim.market_generate: messages per second the market generator produces on one core with no
 * listener but a counter (quotes, trades, crypto books, bars), on a virtual clock. Latency is
 * per 1 ms step of market time, i.e. per batch of about 1,000 messages.
 */
import { ManualClock } from '../../shared/time/clock.ts';
import { createMarket } from '../../sim/market/market.ts';
import { LatencyRecorder, throughputBenchmark } from '../harness.ts';

const RATE = 1_000_000;
const START_MS = Date.UTC(2026, 10, 24, 15, 0, 0);

export const benchmarks = [
  throughputBenchmark('sim.market_generate', async ({ scale }) => {
    const clock = new ManualClock(START_MS);
    const market = createMarket(
      {
        clock,
        seed: 1,
        symbols: ['AAPL', 'MSFT', 'SPY', 'QQQ', 'NVDA', 'TSLA', 'AMD', 'META', 'BTC/USD', 'ETH/USD'],
        messagesPerSecond: RATE,
        credentials: { keyId: 'BENCHKEY', secretKey: 'BENCHSECRET' },
        sessionHours: 'always',
      },
      { historyCapacity: 4_096 },
    );
    let messages = 0;
    const count = (): void => {
      messages++;
    };
    market.onQuote(count);
    market.onTrade(count);
    market.onBar(count);
    market.onOrderBook(count);
    const warmupSteps = Math.max(50, Math.round(500 * scale));
    const steps = Math.max(100, Math.round(3_000 * scale));
    let now = START_MS;
    for (let i = 0; i < warmupSteps; i++) market.advanceTo(++now);
    messages = 0;
    const latencies = new LatencyRecorder();
    const started = performance.now();
    for (let i = 0; i < steps; i++) {
      const stepStart = performance.now();
      market.advanceTo(++now);
      latencies.recordNs((performance.now() - stepStart) * 1e6);
    }
    return { operations: messages, seconds: (performance.now() - started) / 1000, latencies };
  }),
];
