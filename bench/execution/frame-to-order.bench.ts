/**
 * e2e.frame_to_order: a quote frame's bytes in → an order request ready to send, through the code
 * the engine runs: frame decode and validation (FrameRouter), books and freshness
 * (MarketDataService), the engine's dispatch to risk and strategies (MarketDataDispatch), a
 * strategy that trades on quotes (MidPriceMomentum), and the router's synchronous half (gate,
 * real pre-trade risk, client_order_id, request). Budget: p99 ≤ 5 µs, p99.9 ≤ 50 µs.
 *
 * Prices climb a little with every quote, so the momentum strategy wants to buy on nearly every
 * frame (all but the few after the series wraps); the router only prepares, so no position
 * builds up and every such frame runs the whole path. `requests` counts the requests made.
 */
import { join } from 'node:path';
import { MarketDataService } from '../../engine/marketdata/market-data-service.ts';
import { EngineRecorder } from '../../engine/persistence/engine-recorder.ts';
import { Portfolio } from '../../engine/portfolio/portfolio.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { MarketDataDispatch } from '../../engine/strategy/market-data-dispatch.ts';
import { StrategyHost } from '../../engine/strategy/strategy-host.ts';
import { FrameRouter } from '../../shared/broker/alpaca/market-data/frame-router.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { parseFixed, ZERO } from '../../shared/domain/fixed.ts';
import { StateWriteEncoder } from '../../shared/store/pending-write.ts';
import { MidPriceMomentum } from '../../shared/strategies/mid-price-momentum.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { FeedMetrics } from '../../shared/venue/feed-metrics.ts';
import { latencyBenchmark } from '../harness.ts';
import { openRouter } from './router-fixture.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'TSLA'];
const FRAME_COUNT = 4096;
const START_MS = Date.parse('2026-11-24T15:51:45Z');

function quoteFrame(i: number): Buffer {
  const symbol = SYMBOLS[i % SYMBOLS.length];
  // Each symbol's mid rises 0.02% per quote: always above its lagging average.
  const step = Math.floor(i / SYMBOLS.length);
  const bid = (100 * 1.0002 ** step).toFixed(2);
  const ask = (Number(bid) + 0.02).toFixed(2);
  const nanos = String(100_000_000 + i * 1000).padStart(9, '0');
  return Buffer.from(
    `[{"T":"q","S":"${symbol}","bx":"V","bp":${bid},"bs":3,"ax":"V","ap":${ask},"as":4,"c":["R"],"z":"C","t":"2026-11-24T15:51:45.${nanos}Z"}]`,
  );
}

/**
 * The engine forgets finished orders after an hour; at the broker's 200 requests a minute that is
 * at most 12,000 orders held. The benchmark makes orders thousands of times faster, so it forgets
 * them by count, to hold what the engine would hold in its steady state.
 */
const ORDERS_HELD = 12_000;

interface BenchState {
  readonly route: (frame: Buffer) => void;
  readonly recorder: EngineRecorder | undefined;
  /** Recorded orders' ids: a ring of those held, and those sent this turn. */
  readonly held: { readonly ids: string[]; next: number; readonly pending: string[] };
  readonly frames: readonly Buffer[];
  readonly requests: { count: number };
}

/**
 * With persistence on, the engine hands each order to the recorder just before it is sent (the
 * router's onSending hook); the record is built and enqueued on the next event-loop turn. The
 * sink here encodes and counts each write instead of queueing it, because a write-behind queue
 * never drains inside this synchronous loop and its growth would be measured instead.
 */
function recorderFor(clock: ManualClock): EngineRecorder {
  let written = 0;
  return new EngineRecorder({
    queue: {
      enqueue: (write) => {
        written += write.encode() === null ? 0 : 1;
        return written > 0;
      },
    },
    writes: new StateWriteEncoder('bench', 'bench-state'),
    portfolio: new Portfolio(clock),
    clock,
    fencingToken: () => 1,
    // The loop never yields, so an immediate would never run; recordPending flushes instead.
    scheduleFlush: () => {},
  });
}

async function setup(persist: boolean): Promise<BenchState> {
  const clock = new ManualClock(START_MS + 1_000);
  const { risk: limits } = loadConfig({
    systemFile: join(import.meta.dirname, '../../config/system.json'),
    env: {},
  });
  const risk = new RiskManager({ limits, clock });
  const router = await openRouter(clock, risk, []);
  const requests = { count: 0 };
  const recorder = persist ? recorderFor(clock) : undefined;
  const held = { ids: [] as string[], next: 0, pending: [] as string[] };
  const strategy = new MidPriceMomentum({
    id: 'bench-momentum',
    symbols: SYMBOLS,
    period: 8,
    threshold: 0.0001,
    entryQty: parseFixed('5'),
  });
  const host = new StrategyHost(
    [strategy],
    {
      exposureQty: () => ZERO,
      submit: (intent) => {
        const prepared = router.prepare(intent);
        if (!prepared.ok) return;
        if (recorder !== undefined) {
          recorder.submitted(prepared.request, intent);
          held.pending.push(prepared.request.clientOrderId);
        }
        requests.count += 1;
      },
      nowMs: () => clock.nowMs(),
    },
    ({ error }) => {
      throw error;
    },
  );
  const metrics = new FeedMetrics();
  const marketData = new MarketDataService({ clock, metrics, symbols: SYMBOLS, staleAfterMs: 5_000 });
  const dispatch = new MarketDataDispatch(marketData, risk, host, SYMBOLS);
  const frameRouter = new FrameRouter('bench', 'json', metrics, {
    onControl: () => {},
    onData: dispatch.onData.bind(dispatch),
  });
  const receivedUs = clock.nowUs();
  const frames = Array.from({ length: FRAME_COUNT }, (_, i) => quoteFrame(i));
  const route = (frame: Buffer): void => frameRouter.route(frame, false, receivedUs);
  // Prove the path produces orders before measuring it.
  for (const frame of frames) route(frame);
  if (requests.count < FRAME_COUNT * 0.9)
    throw new Error(`only ${requests.count} of ${FRAME_COUNT} frames made an order`);
  return { route, recorder, held, frames, requests };
}

const op = ({ route, frames, requests }: BenchState, i: number): number => {
  route(frames[i % FRAME_COUNT]!);
  return requests.count;
};

/**
 * The engine records pending submissions on the next event-loop turn, off the frame → order path.
 * Here every frame makes an order, while the engine sends at most 200 a minute (the broker's
 * budget) against thousands of feed messages a second; so the deferred recording runs once per
 * FRAMES_PER_RECORDING frames, untimed, holding that many pending records (far more than the
 * engine ever holds). Its garbage and cache effects still reach the timed frames.
 */
const FRAMES_PER_RECORDING = 1024;
const recordPending = ({ recorder, held }: BenchState, i: number): void => {
  if (recorder === undefined || i % FRAMES_PER_RECORDING !== FRAMES_PER_RECORDING - 1) return;
  recorder.flushSubmitted();
  for (const clientOrderId of held.pending) {
    const slot = held.next++ % ORDERS_HELD;
    const oldest = held.ids[slot];
    if (oldest !== undefined) recorder.forget(oldest);
    held.ids[slot] = clientOrderId;
  }
  held.pending.length = 0;
};

export const benchmarks = [
  latencyBenchmark({
    name: 'e2e.frame_to_order',
    iterations: 200_000,
    warmup: 100_000,
    setup: () => setup(false),
    op,
  }),
  latencyBenchmark({
    name: 'e2e.frame_to_order_persisted',
    iterations: 200_000,
    warmup: 100_000,
    setup: () => setup(true),
    op,
    afterOp: recordPending,
  }),
];
