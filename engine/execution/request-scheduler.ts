/**
 * Runs broker requests through the token bucket, most urgent first. A request waits in its
 * priority's queue; when the bucket has no token for the most urgent waiter, one timer is set for
 * the moment it will. Requests are not serialised: once a token is taken the request runs.
 */
import { systemTimers, type Timers } from '../../shared/time/timers.ts';
import { REQUEST_PRIORITIES, type RequestPriority, type TokenBucket } from './token-bucket.ts';

interface Waiter {
  readonly start: () => void;
}

export class RequestScheduler {
  readonly #bucket: TokenBucket;
  readonly #queues: Record<RequestPriority, Waiter[]> = { cancel: [], exit: [], query: [], entry: [] };
  /** The wall clock's timers in the engine; a run on a virtual clock passes its own. */
  readonly #timers: Timers;
  #timer: unknown = null;

  constructor(bucket: TokenBucket, timers: Timers = systemTimers) {
    this.#bucket = bucket;
    this.#timers = timers;
  }

  get bucket(): TokenBucket {
    return this.#bucket;
  }

  /** Requests waiting for a token, by priority. */
  pending(): Record<RequestPriority, number> {
    const q = this.#queues;
    return { cancel: q.cancel.length, exit: q.exit.length, query: q.query.length, entry: q.entry.length };
  }

  run<T>(priority: RequestPriority, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // A task that throws rather than rejecting (the send guard's refusal) fails its own request:
      // started from the wait timer, its throw would otherwise escape the timer and stop the queue.
      this.#queues[priority].push({
        start: () => new Promise<T>((run) => run(task())).then(resolve, reject),
      });
      this.#pump();
    });
  }

  /** Wakes the queue early, e.g. after the bucket learnt from headers that it may go sooner. */
  wake(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#pump();
  }

  close(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #pump(): void {
    if (this.#timer !== null) return;
    for (;;) {
      const priority = REQUEST_PRIORITIES.find((candidate) => this.#queues[candidate].length > 0);
      if (priority === undefined) return;
      const waitMs = this.#bucket.msUntilAvailable(priority);
      if (waitMs > 0) {
        this.#timer = this.#timers.setTimeout(() => {
          this.#timer = null;
          this.#pump();
        }, waitMs);
        return;
      }
      this.#bucket.tryTake(priority);
      this.#queues[priority].shift()!.start();
    }
  }
}
