/**
 * The pre-trade check with a realistic book: 5 positions and 20 working orders across 5 symbols,
 * fresh quotes, every rule run (the check passes, so none is skipped). Budget: p99 ≤ 1 µs.
 * Also the per-quote path risk adds to market data (reference update, stops, loss monitor).
 */
import { join } from 'node:path';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { type Fixed, parseFixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent, OrderType } from '../../shared/domain/order.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import { BENCH_ACCOUNT } from '../execution/router-fixture.ts';
import { latencyBenchmark } from '../harness.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA'];
const f = parseFixed;

function order(symbol: string, id: string, type: OrderType, limitPrice: Fixed | undefined): OrderIntent {
  return {
    intentId: id,
    strategyId: 'bench',
    symbol,
    assetClass: 'us_equity',
    side: 'buy',
    qty: f('3'),
    type,
    timeInForce: 'day',
    limitPrice,
    referencePrice: f('100'),
    purpose: 'entry',
    createdAtMs: 0,
  };
}

interface BenchState {
  readonly risk: RiskManager;
  readonly clock: ManualClock;
  readonly intents: readonly OrderIntent[];
}

function setup(type: OrderType): BenchState {
  const { risk: limits } = loadConfig({
    systemFile: join(import.meta.dirname, '../../config/system.json'),
    env: {},
  });
  const clock = new ManualClock(newYorkToUtcMs('2026-11-24', 10 * 60));
  const risk = new RiskManager({ limits, clock });
  for (const symbol of SYMBOLS) risk.positions.restorePosition(symbol, f('10'), f('100'));
  risk.reconcile(BENCH_ACCOUNT);
  for (const symbol of SYMBOLS) risk.onQuote(symbol, 99.99, 100.01, clock.nowUs());
  for (let i = 0; i < 20; i++) {
    const symbol = SYMBOLS[i % SYMBOLS.length]!;
    const working = {
      ...order(symbol, `working-${i}`, 'limit', f(`99.${10 + i}`)),
      qty: f('1'),
      strategyId: 'other',
    };
    const decision = risk.check(working);
    if (!decision.ok) throw new Error(`setup order refused: ${decision.message}`);
    risk.onOrderSubmitted(working.intentId, working);
  }
  // Out of the throttle window, with fresh quotes again.
  clock.advanceMs(1_000);
  for (const symbol of SYMBOLS) risk.onQuote(symbol, 99.99, 100.01, clock.nowUs());
  const intents = SYMBOLS.map((symbol, i) =>
    order(symbol, `bench-${i}`, type, type === 'limit' ? f('100') : undefined),
  );
  for (const intent of intents) {
    const decision = risk.check(intent);
    if (!decision.ok) throw new Error(`benchmark intent refused: ${decision.message}`);
  }
  return { risk, clock, intents };
}

export const benchmarks = [
  latencyBenchmark({
    name: 'risk.check',
    iterations: 200_000,
    warmup: 200_000,
    setup: () => setup('limit'),
    op: ({ risk, intents }, i) => risk.check(intents[i % intents.length]!),
  }),
  latencyBenchmark({
    name: 'risk.check_market',
    iterations: 200_000,
    warmup: 200_000,
    setup: () => setup('market'),
    op: ({ risk, intents }, i) => risk.check(intents[i % intents.length]!),
  }),
  latencyBenchmark({
    name: 'risk.on_quote',
    iterations: 200_000,
    warmup: 200_000,
    setup: () => setup('limit'),
    // Prices wander within ±0.5%, inside every stop, so each quote runs stops and the loss monitor.
    op: ({ risk, clock }, i) => {
      const mid = 100 + ((i % 100) - 50) / 100;
      risk.onQuote(SYMBOLS[i % SYMBOLS.length]!, mid - 0.01, mid + 0.01, clock.nowUs());
      return mid;
    },
  }),
];
