import type { OrderRouter } from '../../engine/execution/order-router.ts';
import type { RiskManager } from '../../engine/risk/risk-manager.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import type { ManualClock } from '../../shared/time/clock.ts';
import { createInProcessVenue, type InProcessVenue } from '../../sim/in-process-venue.ts';
import { openRiskRouter } from '../execution/router-fixture.ts';
import { latencyBenchmark } from '../harness.ts';

const SYMBOL = 'AAPL';
const f = parseFixed;
const CLOSED_ORDERS = 1_000;

interface BenchState {
  readonly router: OrderRouter;
  readonly risk: RiskManager;
  readonly simulated: InProcessVenue;
  readonly clock: ManualClock;
  fills: number;
  sent: number;
}

// A strategy computes its prices as Fixed values; parsing decimal text is no part of the trip.
const QTY = f('1');
const BUY_LIMIT = f('100.02');
const SELL_LIMIT = f('100');
const REFERENCE = f('100.01');

function intent(i: number, nowMs: number): OrderIntent {
  const buy = i % 2 === 0;
  return {
    intentId: `roundtrip-${i}`,
    strategyId: 'bench',
    symbol: SYMBOL,
    assetClass: 'us_equity',
    side: buy ? 'buy' : 'sell',
    qty: QTY,
    type: 'limit',
    timeInForce: 'day',
    limitPrice: buy ? BUY_LIMIT : SELL_LIMIT,
    referencePrice: REFERENCE,
    purpose: 'entry',
    createdAtMs: nowMs,
  };
}

async function setup(closedOrderLimit: number | undefined): Promise<BenchState> {
  const { clock, risk, router } = await openRiskRouter([SYMBOL]);
  const simulated = createInProcessVenue({
    clock,
    symbols: [SYMBOL],
    startingCash: '100000000',
    ...(closedOrderLimit === undefined ? {} : { closedOrderLimit }),
  });
  simulated.market.setQuote(
    SYMBOL,
    { bidPrice: 100, askPrice: 100.02, bidSize: 1e9, askSize: 1e9 },
    { hold: true },
  );
  risk.onQuote(SYMBOL, 100, 100.02, clock.nowUs());
  const state: BenchState = { router, risk, simulated, clock, fills: 0, sent: 0 };
  simulated.venue.onOrderEvent((event) => {
    if (event.event === 'fill') state.fills += 1;
  });
  return state;
}

function roundtrip(name: string, closedOrderLimit: number | undefined) {
  return latencyBenchmark({
    name,
    iterations: 100_000,
    warmup: 50_000,
    setup: () => setup(closedOrderLimit),
    op: (state: BenchState, i: number) => {
      const prepared = state.router.prepare(intent(state.sent, state.clock.nowMs()));
      if (!prepared.ok) throw new Error(`refused: ${prepared.code} ${prepared.message}`);
      state.sent += 1;
      // The venue does its work before the promise settles: the order is matched by the time
      // advanceTo returns, and its fill event has been delivered.
      void state.simulated.venue.submitOrder(prepared.request);
      state.simulated.advanceTo(state.clock.nowMs());
      return i;
    },
    afterOp: (state: BenchState) => {
      // Time moves on between orders, and risk's reference quote stays fresh: off the clock.
      state.clock.advanceMs(1);
      state.risk.onQuote(SYMBOL, 100, 100.02, state.clock.nowUs());
    },
    teardown: (state: BenchState) => {
      if (state.fills !== state.sent)
        throw new Error(`${state.sent} orders sent but ${state.fills} fill events: the round trip is broken`);
      state.simulated.close();
    },
  });
}

export const benchmarks = [
  // A long run keeps the last CLOSED_ORDERS closed orders known, as a backtest configures the
  // venue (closedOrderLimit): its memory stays flat however many orders it takes.
  roundtrip('venue.inprocess_order_roundtrip', CLOSED_ORDERS),
  // Every order kept, as Alpaca and the HTTP simulator keep them: the history grows by one order
  // per operation (250k by the end), and the collector's work with it.
  roundtrip('venue.inprocess_full_history_roundtrip', undefined),
];
