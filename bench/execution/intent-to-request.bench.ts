import type { OrderRouter, PreparedOrder } from '../../engine/execution/order-router.ts';
import { orderRequestBody } from '../../shared/broker/alpaca/trading-client.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import { latencyBenchmark } from '../harness.ts';
import { openRiskRouter } from './router-fixture.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA'];
const f = parseFixed;

function intent(symbol: string, intentId: string, limitPrice: string, qty = '3'): OrderIntent {
  return {
    intentId,
    strategyId: 'bench',
    symbol,
    assetClass: 'us_equity',
    side: 'buy',
    qty: f(qty),
    type: 'limit',
    timeInForce: 'day',
    limitPrice: f(limitPrice),
    referencePrice: f('100'),
    purpose: 'entry',
    createdAtMs: 0,
  };
}

interface BenchState {
  readonly router: OrderRouter;
  readonly intents: readonly OrderIntent[];
}

async function setup(): Promise<BenchState> {
  const { clock, risk, router } = await openRiskRouter(SYMBOLS);

  for (const symbol of SYMBOLS) risk.onQuote(symbol, 99.99, 100.01, clock.nowUs());
  for (let i = 0; i < 20; i++) {
    const working = {
      ...intent(SYMBOLS[i % SYMBOLS.length]!, `working-${i}`, `99.${10 + i}`, '1'),
      strategyId: 'other',
    };
    const decision = risk.check(working);
    if (!decision.ok) throw new Error(`setup order refused: ${decision.message}`);
    risk.onOrderSubmitted(working.intentId, working);
  }
  // Out of the throttle window, with fresh quotes again.
  clock.advanceMs(1_000);
  for (const symbol of SYMBOLS) risk.onQuote(symbol, 99.99, 100.01, clock.nowUs());
  const intents = SYMBOLS.map((symbol, i) => intent(symbol, `bench-${i}`, '100'));
  for (const candidate of intents) {
    const prepared = router.prepare(candidate);
    if (!prepared.ok) throw new Error(`benchmark intent refused: ${JSON.stringify(prepared)}`);
  }
  return { router, intents };
}

export const benchmarks = [
  latencyBenchmark({
    name: 'exec.intent_to_request',
    iterations: 200_000,
    warmup: 200_000,
    setup,
    op: ({ router, intents }, i) => router.prepare(intents[i % intents.length]!),
  }),
  latencyBenchmark({
    name: 'exec.intent_to_body',
    iterations: 200_000,
    warmup: 200_000,
    setup,
    op: ({ router, intents }, i) =>
      JSON.stringify(
        orderRequestBody((router.prepare(intents[i % intents.length]!) as PreparedOrder).request),
      ),
  }),
];
