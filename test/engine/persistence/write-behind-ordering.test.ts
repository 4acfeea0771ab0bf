import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { WriteBehindQueue } from '../../../engine/persistence/write-behind-queue.ts';
import type { PendingWrite } from '../../../shared/store/pending-write.ts';
import type { BatchWriteOutcome, BatchWriter } from '../../../shared/store/store.ts';
import { ManualClock } from '../../../shared/time/clock.ts';

/** What DynamoDB may do with one batch. */
type BatchFate = 'write' | 'throttle' | 'leave_some';

/**
 * A table in memory that applies each batch under a scripted fate, yielding to the event loop
 * first so the engine can enqueue more while the batch is "in flight".
 */
class ScriptedTable implements BatchWriter {
  readonly items = new Map<string, number>();
  readonly #fates: BatchFate[];
  #next = 0;

  constructor(fates: BatchFate[]) {
    this.#fates = fates;
  }

  async writeBatch(writes: readonly PendingWrite[]): Promise<BatchWriteOutcome> {
    await new Promise((resolve) => setImmediate(resolve));
    const fate = this.#fates[this.#next++ % this.#fates.length] ?? 'write';
    if (fate === 'throttle')
      throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const applied = fate === 'leave_some' ? writes.filter((_, i) => i % 2 === 0) : writes;
    for (const write of applied) this.items.set(write.key, write.encode().version as number);
    return { unprocessed: writes.filter((write) => !applied.includes(write)) };
  }
}

function write(key: string, version: number): PendingWrite {
  return { table: 't', key, encode: () => ({ version }) };
}

const step = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('enqueue' as const), key: fc.integer({ min: 0, max: 8 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('yield' as const) }) },
);

describe('Class: WriteBehindQueue ordering', () => {
  it('leaves every item at the last state enqueued for it, whatever DynamoDB throttles or leaves unprocessed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 80 }),
        fc.array(fc.constantFrom<BatchFate>('write', 'write', 'throttle', 'leave_some'), {
          minLength: 1,
          maxLength: 20,
        }),
        async (steps, fates) => {
          const table = new ScriptedTable(fates);
          const queue = new WriteBehindQueue({
            writer: table,
            registry: new Registry(),
            logger: pino({ level: 'silent' }),
            clock: new ManualClock(0),
            lingerMs: 0,
            backoffBaseMs: 0,
            backoffMaxMs: 0,
          });
          const latest = new Map<string, number>();
          let version = 0;
          for (const s of steps) {
            if (s.kind === 'yield') {
              // A timer turn: the queue's linger timer fires and a batch goes in flight.
              await new Promise((resolve) => setTimeout(resolve, 0));
              continue;
            }
            version += 1;
            const key = `k${s.key}`;
            expect(queue.enqueue(write(key, version))).toBe(true);
            latest.set(key, version);
          }
          // A table that only ever throttles never drains; everything else must.
          const alwaysThrottles = fates.every((fate) => fate === 'throttle');
          const drained = await queue.drain(alwaysThrottles ? 20 : 10_000);
          if (alwaysThrottles) return;
          expect(drained.remaining).toBe(0);
          expect(table.items).toStrictEqual(latest);
        },
      ),
      { numRuns: 300 },
    );
  });
});
