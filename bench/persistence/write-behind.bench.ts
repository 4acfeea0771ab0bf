/**
 * What persistence costs the engine: `persistence.record_order` is the synchronous part on the
 * order path (encode one order, enqueue it), and `persistence.write_behind_dynalite` is how fast
 * the single-in-flight queue empties into a local DynamoDB API (per-batch latency, items/s).
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { WriteBehindQueue } from '../../engine/persistence/write-behind-queue.ts';
import { startLocalDynamo } from '../../local/local-dynamo.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import type { StoredOrder } from '../../shared/store/items/order-item.ts';
import { StateWriteEncoder } from '../../shared/store/pending-write.ts';
import type { BatchWriter } from '../../shared/store/store.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { LatencyRecorder, latencyBenchmark, throughputBenchmark } from '../harness.ts';

const silent = pino({ level: 'silent' });

function order(i: number): StoredOrder {
  return {
    id: null,
    clientOrderId: `bench-${i}`,
    symbol: 'AAPL',
    assetClass: 'us_equity',
    side: i % 2 === 0 ? 'buy' : 'sell',
    type: 'limit',
    timeInForce: 'day',
    qty: parseFixed('10'),
    filledQty: parseFixed('0'),
    filledAvgPrice: null,
    limitPrice: parseFixed('187.65'),
    stopPrice: null,
    trailPercent: null,
    trailPrice: null,
    status: 'pending_new',
    extendedHours: false,
    createdAtMs: 1_795_000_000_000 + i,
    updatedAtMs: 1_795_000_000_000 + i,
    replacedBy: null,
    replaces: null,
    origin: 'engine',
    intentId: `intent-${i}`,
    strategyId: 'bench',
    referencePrice: parseFixed('187.65'),
    fencingToken: 1,
  };
}

/** Accepts every batch at once: the enqueue benchmark measures the engine's side only. */
const instantWriter: BatchWriter = { writeBatch: async () => ({ unprocessed: [] }) };

export const benchmarks = [
  latencyBenchmark({
    name: 'persistence.record_order',
    iterations: 100_000,
    warmup: 10_000,
    setup: () => {
      const orders = Array.from({ length: 1_000 }, (_, i) => order(i));
      const encoder = new StateWriteEncoder('bench', 'bench-state');
      // The benchmark loop never yields, so nothing is written while it runs; 1,000 distinct
      // orders updated over and over keep the queue at a realistic size through coalescing.
      const queue = new WriteBehindQueue({
        writer: instantWriter,
        registry: new Registry(),
        logger: silent,
        clock: systemClock,
      });
      return { orders, encoder, queue };
    },
    op: ({ orders, encoder, queue }, i) => queue.enqueue(encoder.order(orders[i % orders.length]!)),
    teardown: async ({ queue }) => {
      await queue.drain(1_000);
    },
  }),
  throughputBenchmark('persistence.write_behind_dynalite', async ({ scale }) => {
    const dynamo = await startLocalDynamo({ tablePrefix: 'bench' });
    const client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
    try {
      const store = new DynamoStore({ client, tables: dynamo.tables, account: 'bench' });
      const latencies = new LatencyRecorder();
      const timedWriter: BatchWriter = {
        async writeBatch(writes) {
          const start = performance.now();
          const outcome = await store.writeBatch(writes);
          latencies.recordNs((performance.now() - start) * 1e6);
          return outcome;
        },
      };
      const queue = new WriteBehindQueue({
        writer: timedWriter,
        registry: new Registry(),
        logger: silent,
        clock: systemClock,
      });
      const operations = Math.max(100, Math.floor(5_000 * scale));
      const start = performance.now();
      for (let i = 0; i < operations; i++) queue.enqueue(store.writes.order(order(i)));
      const drained = await queue.drain(120_000);
      const seconds = (performance.now() - start) / 1000;
      if (drained.remaining > 0) throw new Error(`${drained.remaining} items left unwritten`);
      return { operations, seconds, latencies };
    } finally {
      client.destroy();
      await dynamo.close();
    }
  }),
];
