/**
 * Write-behind persistence: the engine hands state changes to `enqueue`, which is synchronous, never
 * throws and never waits on I/O, and a single background loop writes them to DynamoDB in
 * BatchWriteItem requests of up to 25.
 *
 * Why one batch in flight: BatchWriteItem has no conditions, so the order of writes to one key is
 * the order they reach DynamoDB. With one request in flight and unprocessed items retried before
 * anything newer, the last state enqueued for a key is the last one written. A newer write of a key
 * that is still queued replaces the queued one (coalescing), which also keeps a burst of updates to
 * one order from filling the queue. Measured throughput is in bench/persistence.
 *
 * Bounded: at `capacity` distinct queued items a new item is refused (enqueue returns false) and
 * counted; the engine decides what refusal means (the broker remains the source of truth for orders
 * and fills, which restart recovery reconciles). A queue that stays full for `fullAlarmAfterMs`
 * raises persistence_queue_full_alarm.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { isRetryableDynamoError, isThrottlingError } from '../../shared/store/dynamo-client.ts';
import type { PendingWrite } from '../../shared/store/pending-write.ts';
import type { BatchWriter } from '../../shared/store/store.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { systemTimers, type Timers } from '../../shared/time/timers.ts';

/** DynamoDB's BatchWriteItem limit. */
export const MAX_BATCH_SIZE = 25;

export interface WriteBehindOptions {
  readonly writer: BatchWriter;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Distinct items that may wait; default 10,000. */
  readonly capacity?: number;
  /** Items per request, at most 25 (the default). */
  readonly maxBatchSize?: number;
  /** How long the first item waits for company before a batch goes out; default 5 ms. */
  readonly lingerMs?: number;
  /** Exponential back-off with full jitter after throttling or unprocessed items. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly fullAlarmAfterMs?: number;
  /** For the jitter; tests may fix it. */
  readonly random?: () => number;
  /** Linger, back-off and drain waits: the wall clock's unless given; simtest passes virtual ones. */
  readonly timers?: Timers;
  /**
   * Asked before each batch goes out; false holds the writes back (the engine's lease fencing: a
   * process that lost its lease, even one that only learns it now, writes nothing more). Default
   * always true.
   */
  readonly mayWrite?: () => boolean;
}

export interface DrainResult {
  /** Items written between the call and its return. */
  readonly written: number;
  /** Items still unwritten when the time ran out (0 after a complete drain). */
  readonly remaining: number;
}

export class WriteBehindQueue {
  readonly #writer: BatchWriter;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #maxBatchSize: number;
  readonly #lingerMs: number;
  readonly #backoffBaseMs: number;
  readonly #backoffMaxMs: number;
  readonly #fullAlarmAfterMs: number;
  readonly #random: () => number;
  readonly #timers: Timers;
  readonly #mayWrite: () => boolean;

  #pending = new Map<string, PendingWrite>();
  #inFlight = 0;
  #running = false;
  /** The last run stopped because mayWrite said no: it is not rescheduled until the next enqueue. */
  #heldBack = false;
  #timer: unknown;
  #attempt = 0;
  #draining = false;
  #closed = false;
  #fullSinceMs: number | undefined;
  #written = 0;
  #idleWaiters: (() => void)[] = [];

  readonly #writesTotal: Counter<'outcome'>;
  readonly #retriesTotal: Counter<'cause'>;

  constructor(options: WriteBehindOptions) {
    this.#writer = options.writer;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#capacity = options.capacity ?? 10_000;
    this.#maxBatchSize = Math.min(options.maxBatchSize ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
    this.#lingerMs = options.lingerMs ?? 5;
    this.#backoffBaseMs = options.backoffBaseMs ?? 50;
    this.#backoffMaxMs = options.backoffMaxMs ?? 5_000;
    this.#fullAlarmAfterMs = options.fullAlarmAfterMs ?? 5_000;
    this.#random = options.random ?? Math.random;
    this.#timers = options.timers ?? systemTimers;
    this.#mayWrite = options.mayWrite ?? (() => true);

    const registers = [options.registry];
    this.#writesTotal = new Counter({
      name: 'persistence_writes_total',
      help: 'Items handed to write-behind persistence, by outcome: written, refused_full (queue at capacity), rejected (DynamoDB refused the item itself), discarded (dropped when the engine lost its lease).',
      labelNames: ['outcome'],
      registers,
    });
    this.#retriesTotal = new Counter({
      name: 'persistence_write_retries_total',
      help: 'Write-behind batches retried, by cause: throttled, unavailable (network, service or access errors) or unprocessed (items left over).',
      labelNames: ['cause'],
      registers,
    });
    const queue = this;
    new Gauge({
      name: 'persistence_queue_depth',
      help: 'Items waiting in the write-behind queue, including the batch in flight.',
      registers,
      collect() {
        this.set(queue.depth);
      },
    });
    new Gauge({
      name: 'persistence_queue_full_alarm',
      help: 'One while the write-behind queue has stayed at capacity longer than its alarm delay.',
      registers,
      collect() {
        this.set(queue.fullAlarm ? 1 : 0);
      },
    });
  }

  get depth(): number {
    return this.#pending.size + this.#inFlight;
  }

  /** True when the queue has been at capacity for at least fullAlarmAfterMs. */
  get fullAlarm(): boolean {
    return (
      this.#fullSinceMs !== undefined && this.#clock.nowMs() - this.#fullSinceMs >= this.#fullAlarmAfterMs
    );
  }

  /** Queues a write; false when it was refused because the queue is full or closed. Never throws. */
  enqueue(write: PendingWrite): boolean {
    if (this.#closed) return false;
    if (this.#pending.size >= this.#capacity && !this.#pending.has(write.key)) {
      this.#fullSinceMs ??= this.#clock.nowMs();
      this.#writesTotal.inc({ outcome: 'refused_full' });
      return false;
    }
    // Delete first so a replaced write moves to the back: it is the newest state of its key.
    this.#pending.delete(write.key);
    this.#pending.set(write.key, write);
    this.#schedule();
    return true;
  }

  /**
   * Writes everything queued, for a clean stop (SIGTERM), giving up after timeoutMs. Later enqueues
   * are refused. Whatever is left is logged with its count.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    const writtenBefore = this.#written;
    this.#draining = true;
    this.#schedule();
    let timeout: unknown;
    await Promise.race([
      this.#whenIdle(),
      new Promise<void>((resolve) => {
        timeout = this.#timers.setTimeout(resolve, timeoutMs);
      }),
    ]);
    this.#timers.clearTimeout(timeout);
    this.#closed = true;
    this.#timers.clearTimeout(this.#timer);
    const remaining = this.depth;
    if (remaining > 0)
      this.#logger.error({ remaining, timeoutMs }, 'write-behind drain timed out; items not persisted');
    return { written: this.#written - writtenBefore, remaining };
  }

  /**
   * Drops everything queued and refuses later items: for an engine that lost its lease. Its queued
   * writes describe a view the new lease holder has already rebuilt from the broker; written late,
   * they would overwrite newer state (or store a fill twice, once under the broker's execution id
   * and once as the new holder's reconciled booking). A batch already in flight cannot be recalled.
   */
  discard(reason: string): number {
    this.#closed = true;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const dropped = this.#pending.size;
    this.#pending.clear();
    this.#writesTotal.inc({ outcome: 'discarded' }, dropped);
    if (dropped > 0) this.#logger.error({ dropped, reason }, 'write-behind items discarded');
    if (!this.#running) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    return dropped;
  }

  #whenIdle(): Promise<void> {
    if (!this.#running && this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #schedule(): void {
    if (this.#running || this.#closed) return;
    if (this.#draining) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#start();
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#start();
    }, this.#lingerMs);
  }

  #start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#heldBack = false;
    this.#run().then(
      () => this.#finishRun(),
      (error: unknown) => {
        // The loop catches what a write can throw; reaching here is a bug, but persistence must go on.
        this.#logger.error({ err: error }, 'write-behind loop failed');
        this.#finishRun();
      },
    );
  }

  #finishRun(): void {
    this.#running = false;
    if (this.#pending.size > 0 && !this.#closed && !this.#heldBack) {
      this.#schedule();
      return;
    }
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async #run(): Promise<void> {
    while (this.#pending.size > 0 && !this.#closed) {
      if (!this.#mayWrite()) {
        this.#heldBack = true;
        return;
      }
      const batch = this.#takeBatch();
      this.#inFlight = batch.length;
      const retry = await this.#write(batch);
      this.#inFlight = 0;
      if (this.#pending.size < this.#capacity) this.#fullSinceMs = undefined;
      if (retry) await this.#backoff();
    }
  }

  #takeBatch(): PendingWrite[] {
    const batch: PendingWrite[] = [];
    for (const [key, write] of this.#pending) {
      batch.push(write);
      this.#pending.delete(key);
      if (batch.length === this.#maxBatchSize) break;
    }
    return batch;
  }

  /** Writes one batch; true when some of it must be retried after a back-off. */
  async #write(batch: PendingWrite[]): Promise<boolean> {
    try {
      const { unprocessed } = await this.#writer.writeBatch(batch);
      this.#countWritten(batch.length - unprocessed.length);
      if (unprocessed.length === 0) {
        this.#attempt = 0;
        return false;
      }
      this.#retriesTotal.inc({ cause: 'unprocessed' });
      this.#requeueFirst(unprocessed);
      return true;
    } catch (error) {
      if (isRetryableDynamoError(error)) {
        const cause = isThrottlingError(error) ? 'throttled' : 'unavailable';
        this.#retriesTotal.inc({ cause });
        this.#logger.warn(
          { err: error, items: batch.length, cause },
          'write-behind batch failed; backing off',
        );
        this.#requeueFirst(batch);
        return true;
      }
      return this.#isolateRejected(batch, error);
    }
  }

  /**
   * A request that can never succeed (an item too large or invalid, an item the code cannot encode)
   * fails the whole batch; writing the items one by one finds the bad item so the others still get
   * written.
   */
  async #isolateRejected(batch: PendingWrite[], error: unknown): Promise<boolean> {
    if (batch.length === 1) {
      this.#writesTotal.inc({ outcome: 'rejected' });
      this.#logger.error(
        { err: error, key: batch[0]!.key },
        'DynamoDB rejected an item; it is not persisted',
      );
      return false;
    }
    let retry = false;
    for (const write of batch) retry = (await this.#write([write])) || retry;
    return retry;
  }

  #countWritten(count: number): void {
    if (count === 0) return;
    this.#written += count;
    this.#writesTotal.inc({ outcome: 'written' }, count);
  }

  /** Puts writes back at the front, unless a newer write of the same key arrived meanwhile. */
  #requeueFirst(writes: readonly PendingWrite[]): void {
    const front = writes
      .filter((write) => !this.#pending.has(write.key))
      .map((write) => [write.key, write] as const);
    this.#pending = new Map([...front, ...this.#pending]);
  }

  async #backoff(): Promise<void> {
    const ceiling = Math.min(this.#backoffMaxMs, this.#backoffBaseMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    const delayMs = Math.round(this.#random() * ceiling);
    await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, delayMs));
  }
}
