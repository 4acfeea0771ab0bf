/**
 * The simulator's trading half.
 * - sim.match_quote: cost of one quote reaching the matching engine of a symbol with 100 resting
 *   limit orders that do not cross (the common case on the market-data hot path), virtual clock.
 * - sim.order_roundtrip: a market order over loopback, from POST /v2/orders to its fill event on
 *   the trade-updates stream (REST, validation, routing, matching, ledger, stream), wall clock.
 */
import WebSocket from 'ws';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { Quote } from '../../shared/domain/market-data.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import type { QuoteSource } from '../../sim/market/quote-source.ts';
import { startSimulator } from '../../sim/simulator.ts';
import { AccountLedger } from '../../sim/trading/account-ledger.ts';
import { AssetCatalog } from '../../sim/trading/asset-catalog.ts';
import { SeededIds } from '../../sim/trading/ids.ts';
import { MatchingEngine } from '../../sim/trading/matching-engine.ts';
import { SessionCalendar as MarketSession } from '../../sim/trading/session-calendar.ts';
import { TaskScheduler } from '../../sim/trading/task-scheduler.ts';
import { LatencyRecorder, latencyBenchmark, throughputBenchmark } from '../harness.ts';

const START_MS = Date.UTC(2026, 10, 24, 15, 0, 0);

class BenchQuotes implements QuoteSource {
  readonly #listeners: ((quote: Quote) => void)[] = [];
  latest: Quote | undefined;
  latestQuote(): Quote | undefined {
    return this.latest;
  }
  latestTrade(): undefined {
    return undefined;
  }
  onQuote(listener: (quote: Quote) => void): () => void {
    this.#listeners.push(listener);
    return () => undefined;
  }
  publish(quote: Quote): void {
    this.latest = quote;
    for (const listener of this.#listeners) listener(quote);
  }
}

const matchQuote = latencyBenchmark({
  name: 'sim.match_quote',
  iterations: 200_000,
  warmup: 20_000,
  batch: 10,
  setup() {
    const clock = new ManualClock(START_MS);
    const quotes = new BenchQuotes();
    const scheduler = new TaskScheduler(clock, false);
    const engine = new MatchingEngine({
      clock,
      scheduler,
      session: new MarketSession('always'),
      quotes,
      assets: new AssetCatalog(['AAPL']),
      ledger: new AccountLedger(parseFixed('100000000')),
      ids: new SeededIds(1),
      latencyMs: 0,
      slippage: { fixedBps: 0, sizeImpactBps: 0 },
    });
    for (let i = 0; i < 100; i++) {
      engine.submit({
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        timeInForce: 'gtc',
        qty: parseFixed('10'),
        notional: null,
        limitPrice: parseFixed((90 - i * 0.01).toFixed(2)),
        stopPrice: null,
        trailPrice: null,
        trailPercent: null,
        extendedHours: false,
        clientOrderId: null,
      });
    }
    scheduler.runDue();
    const prepared: Quote[] = [];
    for (let i = 0; i < 1024; i++) {
      const bid = 100 + (i % 50) * 0.01;
      prepared.push({
        symbol: 'AAPL',
        bidPrice: bid,
        askPrice: bid + 0.02,
        bidSize: 300,
        askSize: 300,
        timestampUs: 0,
      });
    }
    return { quotes, prepared, engine };
  },
  op(state, i) {
    state.quotes.publish(state.prepared[i & 1023]!);
    return i;
  },
  teardown(state) {
    state.engine.close();
  },
});

const orderRoundtrip = throughputBenchmark('sim.order_roundtrip', async ({ scale }) => {
  const sim = await startSimulator({
    symbols: ['AAPL'],
    market: 'scripted',
    rateLimitPerMinute: 1_000_000_000,
  });
  sim.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.02, bidSize: 1e9, askSize: 1e9 });
  const socket = new WebSocket(sim.tradeUpdatesUrl);
  await new Promise((resolve) => socket.once('open', resolve));
  const fills = new Map<string, () => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      stream: string;
      data: { event?: string; order?: { client_order_id: string } };
    };
    if (message.stream === 'trade_updates' && message.data.event === 'fill')
      fills.get(message.data.order!.client_order_id)?.();
  });
  socket.send(JSON.stringify({ action: 'auth', key: DEFAULT_SIM_KEY_ID, secret: DEFAULT_SIM_SECRET_KEY }));
  socket.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const headers = {
    'APCA-API-KEY-ID': DEFAULT_SIM_KEY_ID,
    'APCA-API-SECRET-KEY': DEFAULT_SIM_SECRET_KEY,
    'Content-Type': 'application/json',
  };
  // Alternating sides keeps the position flat, so buying power never runs out however long it runs.
  let sequence = 0;
  const roundtrip = async (clientOrderId: string): Promise<void> => {
    const filled = new Promise<void>((resolve) => fills.set(clientOrderId, resolve));
    const side = sequence++ % 2 === 0 ? 'buy' : 'sell';
    const response = await fetch(`${sim.baseUrl}/v2/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        symbol: 'AAPL',
        qty: 1,
        side,
        type: 'market',
        time_in_force: 'day',
        client_order_id: clientOrderId,
      }),
    });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`order refused: ${response.status} ${body}`);
    await filled;
    fills.delete(clientOrderId);
  };
  const orders = Math.max(200, Math.round(3_000 * scale));
  for (let i = 0; i < Math.max(50, orders / 10); i++) await roundtrip(`warmup-${i}`);
  const latencies = new LatencyRecorder();
  const start = performance.now();
  for (let i = 0; i < orders; i++) {
    const began = performance.now();
    await roundtrip(`order-${i}`);
    latencies.recordNs((performance.now() - began) * 1e6);
  }
  const seconds = (performance.now() - start) / 1000;
  socket.terminate();
  await sim.close();
  return { operations: orders, seconds, latencies };
});

export const benchmarks = [matchQuote, orderRoundtrip];
